// The ToolModule contract and its execution.
export * from './tool-module';
export * from './execution/canonical-json';
export * from './execution/execute-tool-call';
export * from './execution/idempotency-ledger.repository';
export * from './execution/tool-call-content';
export * from './execution/validate-arguments';
export * from './json-schema/json-schema';

// Registry.
export * from './registry/tool-definition';
export * from './registry/tool-admin-input';
export * from './registry/tool-registry.repository';
export * from './registry/cached-tenant-tools';
export * from './registry/prepare-tool-definition';
export * from './registry/register-tool.usecase';
export * from './registry/update-tool.usecase';
export * from './registry/remove-tool.usecase';
export * from './registry/list-tools.usecase';
export * from './registry/tenant-tools.usecase';
export * from './registry/tenant-toolset';
export * from './registry/tool-module.factory';
export * from './registry/resolve-tenant-tools.usecase';

// Built-in modules.
export * from './builtin/builtin-operation';
export * from './builtin/builtin-catalogue';
export * from './builtin/search/search-index.repository';
export * from './builtin/search/search.tool';
export * from './builtin/search/upload-search-documents.usecase';
export * from './builtin/booking/booking.repository';
export * from './builtin/booking/booking.tool';
export * from './builtin/booking/booking-admin.usecase';
export * from './builtin/payment/confirmation-token';
export * from './builtin/payment/money';
export * from './builtin/payment/payment-connector';
export * from './builtin/payment/payment-ledger.repository';
export * from './builtin/payment/payment-policy';
export * from './builtin/payment/payment.tool';
export * from './builtin/payment/payment-admin.usecase';

// Remote tools.
export * from './http/guarded-fetch';
export * from './http/http-tool';
export * from './http/ssrf-guard';
export * from './mcp/mcp-tool-source';
export * from './mcp/mcp-tools.cache';

// Wiring.
export * from './tools-runtime';
