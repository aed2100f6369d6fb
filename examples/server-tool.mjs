// A server tool, end to end. Ops register a tool once and enable it for a tenant (admin API); after that,
// every completion of that tenant offers it to the model, and the gateway runs the calls itself: the client
// app sends a plain request and gets the final answer. Here: the built-in `search` tool over a tiny FAQ.
//
//   VOXGATE_ADMIN_KEY=… VOXGATE_TENANT_ID=ten_… VOXGATE_API_KEY=sk-vg-… node examples/server-tool.mjs
//   (the key must belong to that tenant; `npx voxgate tenants list` shows the ids)
import OpenAI from 'openai';

const url = process.env.VOXGATE_URL ?? 'http://127.0.0.1:8080';
const { VOXGATE_ADMIN_KEY: adminKey, VOXGATE_TENANT_ID: tenantId, VOXGATE_API_KEY: apiKey } = process.env;
if (!adminKey || !tenantId || !apiKey) throw new Error('Set VOXGATE_ADMIN_KEY, VOXGATE_TENANT_ID and VOXGATE_API_KEY');

/**
 * One admin API call (ops side); throws with the gateway's error answer.
 * @param {'POST' | 'PUT'} method
 * @param {string} route
 * @param {object} [body]
 */
async function admin(method, route, body) {
  const response = await fetch(url + route, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response;
}

// 1. Ops: register the tool (or replace it, so the example can run again), give the tenant documents to
//    search, and enable the tool for the tenant. `npx voxgate tools …` does the same from a shell.
const tool = {
  name: 'museum_faq',
  description: "Searches the museum's FAQ: opening hours, tickets, access.",
  implementation: { type: 'builtin', module: 'search' },
};
const registered = await fetch(`${url}/admin/tools/${tool.name}`, { headers: { authorization: `Bearer ${adminKey}` } });
if (registered.ok) await admin('PUT', `/admin/tools/${tool.name}`, tool);
else await admin('POST', '/admin/tools', tool);
await admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
  documents: [
    { id: 'hours', title: 'Opening hours', text: 'Open Tuesday to Sunday, 10:00 to 18:00; on Sundays from 11:00.' },
    { id: 'tickets', title: 'Tickets', text: 'Adults 12 EUR, students 6 EUR, children under 12 free.' },
  ],
});
await admin('PUT', `/admin/tenants/${tenantId}/tools/${tool.name}`);

// 2. Client app: a plain request. The model calls museum_faq, the gateway runs it and asks the model again.
const client = new OpenAI({ apiKey, baseURL: `${url}/v1` });
const completion = await client.chat.completions.create({
  model: process.env.VOXGATE_MODEL ?? 'gpt-4o-audio-preview',
  messages: [{ role: 'user', content: 'When does the museum open on Sundays?' }],
});
console.log(completion.choices[0].message.content);

// Which server tools ran: Voxgate's additive `voxgate.tool_runs` (typed by examples/voxgate-types.mts).
for (const run of completion.voxgate?.tool_runs ?? []) console.log(`tool ${run.name}: ${run.status}`);
