import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '@voxgate/config';
import { RecordUsage } from '@voxgate/metering';
import type { SessionUpdate } from '@voxgate/realtime';
import { type Principal, ReserveQuota, SettleQuota } from '@voxgate/tenancy';
import type { WebSocket } from 'ws';
import { JsonLogger } from '../../infra/json-logger';
import { PendingWrites } from '../../infra/pending-writes';
import { GATEWAY_CONFIG } from '../../infra/tokens';
import { GatewayTools } from '../../tools/tools-runtime.provider';
import { PassthroughConnection } from './passthrough-connection';
import { PassthroughMeter } from './passthrough-meter';
import { meteredModelOf, type PassthroughTarget } from './passthrough-target';

/** What the realtime route knows when it accepts a pass-through socket. */
export interface PassthroughAccept {
  readonly socket: WebSocket;
  readonly target: PassthroughTarget;
  readonly principal: Principal;
  readonly requestId: string;
  /** A client secret's bound session settings, sent to the provider when its session opens. */
  readonly initialSession?: SessionUpdate;
  readonly onClosed: () => void;
}

/**
 * Opens pass-through sessions with the app's quota, metering and tools services: the one seam between
 * the realtime route (shared with the bridge) and everything in this folder.
 */
export class PassthroughSessions {
  private readonly reserve: ReserveQuota;
  private readonly settle: SettleQuota;
  private readonly record: RecordUsage;
  private readonly pending: PendingWrites;
  private readonly tools: GatewayTools;
  private readonly logger: JsonLogger;
  private readonly config: GatewayConfig;

  constructor(app: NestFastifyApplication) {
    this.config = app.get<GatewayConfig>(GATEWAY_CONFIG);
    this.reserve = app.get(ReserveQuota);
    this.settle = app.get(SettleQuota);
    this.record = app.get(RecordUsage);
    this.pending = app.get(PendingWrites);
    this.tools = app.get(GatewayTools);
    this.logger = app.get(JsonLogger);
  }

  open(accept: PassthroughAccept): PassthroughConnection {
    const { principal, requestId } = accept;
    const meter = new PassthroughMeter(
      { reserve: this.reserve, settle: this.settle, record: this.record, pending: this.pending },
      principal,
      accept.target,
      requestId,
    );
    return new PassthroughConnection({
      socket: accept.socket,
      target: accept.target,
      requestId,
      tenantId: principal.tenantId,
      meter,
      transcriptionModel: (name) => meteredModelOf(this.config, name),
      ...(accept.initialSession ? { initialSession: accept.initialSession } : {}),
      // Tool calls are keyed by the session's request id (plus the call id) for the idempotency ledger.
      resolveTools: (signal) =>
        this.tools.forRequest({
          tenantId: principal.tenantId,
          sessionId: null,
          requestId,
          confirmationToken: null,
          abort: { signal },
        }),
      logger: this.logger,
      onClosed: accept.onClosed,
    });
  }
}
