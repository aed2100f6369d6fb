export {
  Outbox,
  type OutboxOptions,
  type OutboxScheduler,
  type OutboxStats,
  type OutboxWriter,
  timerScheduler,
} from './outbox';
export { OutboxFile } from './outbox-file';
