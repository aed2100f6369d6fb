// The playground page: a Realtime session over `/v1/realtime` from the browser, authenticated with the
// subprotocol `openai-insecure-api-key.<key or client secret>`. Its state is mirrored on
// `window.__playground` and on #app's data attributes, for people debugging and for the Chromium test.
import { int16ToBase64, openAudio, PCM_RATE } from './realtime-audio.js';

const $ = (id) => document.getElementById(id);
const app = $('app');

/** What happened so far; read-only for anyone but this module. */
const state = {
  status: 'idle', // idle | connecting | connected | closed | error
  model: null,
  sampleRate: null,
  sentSamples: 0, // microphone samples sent (24 kHz)
  receivedSamples: 0, // answer samples received (24 kHz)
  playedSamples: 0, // answer samples rendered by the player worklet
  playedMs: 0,
  playedRms: 0, // level of the rendered answer audio, 0–1 (silence would be 0)
  transcript: [], // { itemId, role, text, truncated, transcribed (the user's words, not "(speech…)") }
  tools: [], // { callId, name, arguments }
  serverTools: [], // { responseId, name, status }: tools the gateway ran (response.done metadata)
  usage: [], // { responseId, status, usage }
  truncations: [], // { itemId, audioEndMs }: what the server kept of an interrupted answer
  errors: [], // { type, code, message }
  eventCounts: {},
};
window.__playground = state;

let socket = null;
let audio = null;
let holding = false;
let responseActive = false;
let answering = null; // item id of the assistant audio being played
const entries = new Map(); // item id → <li>
const speechStart = new Map(); // user item id → audio_start_ms (server VAD)
const spokenMs = new Map(); // user item id → how long the turn's audio is
let pressedAt = 0; // state.sentSamples when the button went down

function setStatus(status, text) {
  state.status = status;
  app.dataset.status = status;
  $('status').textContent = text;
}

function turns() {
  return document.querySelector('input[name="turns"]:checked').value;
}

function sessionConfig() {
  return {
    type: 'realtime',
    audio: {
      input: {
        turn_detection: turns() === 'vad' ? { type: 'server_vad' } : null,
        // Input audio transcription: the user's turns shown as words (a model serving audio/transcriptions).
        transcription: $('transcribe').value ? { model: $('transcribe').value } : null,
      },
      output: { voice: $('voice').value, speed: Number($('speed').value) },
    },
  };
}

function send(event) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(event));
}

async function loadModels() {
  const key = $('key').value.trim();
  if (!key) return showError({ message: 'Paste a key or a client secret first.' });
  try {
    const response = await fetch('v1/models?endpoint=chat/completions', {
      headers: { authorization: `Bearer ${key}` },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    const list = $('models');
    list.replaceChildren(
      ...body.data.map((model) => Object.assign(document.createElement('option'), { value: model.id })),
    );
    if (!$('model').value && body.data[0]) $('model').value = body.data[0].id;
    $('status').textContent = `${body.data.length} models serve chat completions (the bridge).`;
  } catch (error) {
    // A client secret may not list models: the id can still be typed.
    showError({ message: `Could not list models: ${error.message}. Type a model id instead.` });
  }
  await loadTranscriptionModels(key);
}

/** The models that can transcribe the user's turns (`audio.input.transcription`); "off" stays first. */
async function loadTranscriptionModels(key) {
  try {
    const response = await fetch('v1/models?endpoint=audio/transcriptions', {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!response.ok) return; // a client secret may not list models: transcription stays off
    const body = await response.json();
    const off = Object.assign(document.createElement('option'), { value: '', textContent: 'off' });
    $('transcribe').replaceChildren(
      off,
      ...body.data.map((model) =>
        Object.assign(document.createElement('option'), { value: model.id, textContent: model.id }),
      ),
    );
  } catch {
    // Not fatal: the page works without transcription.
  }
}

async function connect() {
  const key = $('key').value.trim();
  const model = $('model').value.trim();
  if (!key || !model) return showError({ message: 'A key (or client secret) and a model are needed.' });
  setStatus('connecting', 'Connecting…');
  $('connect').textContent = 'Disconnect';
  state.model = model;
  try {
    // Opened here, inside the click: browsers start audio only from a user gesture.
    audio = await openAudio({ onChunk: onMicrophone, onProgress: onPlayback });
    state.sampleRate = audio.sampleRate;
  } catch (error) {
    setStatus('error', `No audio: ${error.message}`);
    $('connect').textContent = 'Connect';
    return;
  }
  const url = new URL(`v1/realtime?model=${encodeURIComponent(model)}`, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${key}`]);
  socket.onmessage = (message) => onEvent(JSON.parse(message.data));
  socket.onclose = (close) => {
    setStatus(
      state.status === 'error' ? 'error' : 'closed',
      `Closed (${close.code}${close.reason ? `: ${close.reason}` : ''}).`,
    );
    void disconnect();
  };
  socket.onerror = () => setStatus('error', 'The socket failed: check the key, its scope and the model.');
}

async function disconnect() {
  const open = socket;
  socket = null;
  if (open && open.readyState <= WebSocket.OPEN) open.close(1000);
  const closing = audio;
  audio = null;
  if (closing) await closing.close();
  $('talk').disabled = true;
  $('connect').textContent = 'Connect';
}

function onMicrophone(pcm) {
  if (state.status !== 'connected') return;
  if (turns() === 'ptt' && !holding) return;
  state.sentSamples += pcm.length;
  send({ type: 'input_audio_buffer.append', audio: int16ToBase64(pcm) });
}

function onPlayback(report) {
  state.playedSamples = report.played;
  state.playedMs = Math.round((report.played / PCM_RATE) * 1000);
  state.playedRms = report.rms;
  app.dataset.playedMs = String(state.playedMs);
  $('played').textContent = (report.played / PCM_RATE).toFixed(2);
}

/** Stops what is playing and tells the server how much of that answer the user heard. */
async function bargeIn() {
  if (!audio || !answering) return;
  const itemId = answering;
  answering = null;
  const { byItem } = await audio.clear();
  const heard = byItem[itemId] ?? 0;
  const received = receivedByItem.get(itemId) ?? 0;
  if (heard < received) {
    send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: Math.floor((heard / PCM_RATE) * 1000),
    });
  }
}
const receivedByItem = new Map();

function entry(itemId, role) {
  let li = entries.get(itemId);
  if (!li) {
    li = document.createElement('li');
    li.className = role;
    li.dataset.itemId = itemId;
    $('transcript').append(li);
    entries.set(itemId, li);
    state.transcript.push({ itemId, role, text: '', truncated: false });
  }
  return li;
}

function setText(itemId, role, text) {
  entry(itemId, role).textContent = text;
  state.transcript.find((line) => line.itemId === itemId).text = text;
}

/** The user's words for a turn (input audio transcription): replaces "(speech, n s)" as they arrive. */
function setUserWords(itemId, text, done) {
  entry(itemId, 'user');
  const line = state.transcript.find((candidate) => candidate.itemId === itemId);
  const words = line.transcribed ? text : text.trimStart();
  setText(itemId, 'user', done ? text : (line.transcribed ? line.text : '') + words);
  line.transcribed = true;
}

function transcribed(itemId) {
  return state.transcript.some((line) => line.itemId === itemId && line.transcribed);
}

function userText(item) {
  const parts = item.content ?? [];
  const said = parts
    .map((part) => part.text ?? part.transcript ?? '')
    .join(' ')
    .trim();
  const ms = spokenMs.get(item.id);
  return said || (ms === undefined ? '(speech)' : `(speech, ${(ms / 1000).toFixed(1)} s)`);
}

function onEvent(event) {
  state.eventCounts[event.type] = (state.eventCounts[event.type] ?? 0) + 1;
  switch (event.type) {
    case 'session.created':
      send({ type: 'session.update', session: sessionConfig() });
      break;
    case 'session.updated':
      if (state.status !== 'connected') {
        setStatus(
          'connected',
          turns() === 'vad' ? 'Listening: just speak.' : 'Hold the button (or Space) while you speak.',
        );
        $('talk').disabled = turns() !== 'ptt';
      }
      break;
    case 'input_audio_buffer.speech_started':
      speechStart.set(event.item_id, event.audio_start_ms);
      void bargeIn();
      $('status').textContent = 'Hearing you…';
      break;
    case 'input_audio_buffer.speech_stopped':
      spokenMs.set(event.item_id, event.audio_end_ms - (speechStart.get(event.item_id) ?? event.audio_end_ms));
      $('status').textContent = 'Thinking…';
      break;
    case 'input_audio_buffer.committed':
      // Push to talk: the turn is what was sent while the button was held.
      if (!spokenMs.has(event.item_id))
        spokenMs.set(event.item_id, ((state.sentSamples - pressedAt) / PCM_RATE) * 1000);
      break;
    case 'conversation.item.added':
    case 'conversation.item.done':
      if (event.item.role === 'user' && !transcribed(event.item.id))
        setText(event.item.id, 'user', userText(event.item));
      if (event.item.role === 'assistant') entry(event.item.id, 'assistant');
      break;
    case 'conversation.item.input_audio_transcription.delta':
      setUserWords(event.item_id, event.delta, false);
      break;
    case 'conversation.item.input_audio_transcription.completed':
      setUserWords(event.item_id, event.transcript, true);
      break;
    case 'conversation.item.input_audio_transcription.failed':
      showError({ ...event.error, message: `Your turn was not transcribed: ${event.error.message}` });
      break;
    case 'response.created':
      responseActive = true;
      break;
    case 'response.output_audio.delta':
      if (audio) {
        answering = event.item_id;
        const samples = audio.play(event.item_id, event.delta);
        state.receivedSamples += samples;
        receivedByItem.set(event.item_id, (receivedByItem.get(event.item_id) ?? 0) + samples);
      }
      break;
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta': {
      const line = state.transcript.find((candidate) => candidate.itemId === event.item_id);
      setText(event.item_id, 'assistant', (line?.text ?? '') + event.delta);
      break;
    }
    case 'response.output_audio_transcript.done':
      setText(event.item_id, 'assistant', event.transcript);
      break;
    case 'response.output_text.done':
      setText(event.item_id, 'assistant', event.text);
      break;
    case 'conversation.item.truncated': {
      state.truncations.push({ itemId: event.item_id, audioEndMs: event.audio_end_ms });
      entry(event.item_id, 'assistant').classList.add('truncated');
      const line = state.transcript.find((candidate) => candidate.itemId === event.item_id);
      if (line) line.truncated = true;
      // The server cut the transcript to what was heard: show that.
      send({ type: 'conversation.item.retrieve', item_id: event.item_id });
      break;
    }
    case 'conversation.item.retrieved':
      if (event.item.role === 'assistant') {
        const part = (event.item.content ?? []).find(
          (content) => typeof content.transcript === 'string' || typeof content.text === 'string',
        );
        if (part) setText(event.item.id, 'assistant', part.transcript ?? part.text);
      }
      break;
    case 'response.output_item.done':
      if (event.item.type === 'function_call') onToolCall(event.item);
      break;
    case 'response.done':
      responseActive = false;
      onServerTools(event.response);
      onUsage(event.response);
      break;
    case 'error':
      showError(event.error);
      break;
    default:
      break;
  }
}

/**
 * A tool the model called for the client. The page runs none: it answers with an error output so the
 * conversation stays well-formed (a call without a result would fail the next turn). Tools the tenant
 * registered on the gateway run server-side, inside the turn (`onServerTools` lists them).
 */
function onToolCall(item) {
  state.tools.push({ callId: item.call_id, name: item.name, arguments: item.arguments });
  const list = $('tools');
  list.querySelector('.empty')?.remove();
  const li = document.createElement('li');
  li.textContent = `${item.name}(${item.arguments}) — client tool, not run by the playground`;
  list.append(li);
  send({
    type: 'conversation.item.create',
    item: {
      type: 'function_call_output',
      call_id: item.call_id,
      output: JSON.stringify({ error: 'the playground runs no client tools' }),
    },
  });
}

/**
 * Tools the tenant registered on the gateway run server-side inside the turn; the gateway lists them in
 * `response.done`'s metadata (`voxgate_tool_runs`: a JSON array of `{name, status}`; `voxgate_tool_runs_count`
 * counts them all when the list was cut to fit), never as items an SDK would run.
 */
function onServerTools(response) {
  let runs = [];
  try {
    runs = JSON.parse(response.metadata?.voxgate_tool_runs ?? '[]');
  } catch {
    return;
  }
  if (!Array.isArray(runs) || runs.length === 0) return;
  const list = $('tools');
  list.querySelector('.empty')?.remove();
  for (const run of runs) {
    state.serverTools.push({ responseId: response.id, name: run.name, status: run.status });
    const li = document.createElement('li');
    li.textContent = `${run.name} — ran on the gateway (${run.status})`;
    list.append(li);
  }
  const omitted = Number(response.metadata?.voxgate_tool_runs_count ?? runs.length) - runs.length;
  if (omitted > 0) list.append(Object.assign(document.createElement('li'), { textContent: `…and ${omitted} more` }));
}

function onUsage(response) {
  state.usage.push({ responseId: response.id, status: response.status, usage: response.usage ?? null });
  const usage = response.usage ?? {};
  const cells = [
    response.id,
    response.status,
    usage.input_tokens,
    usage.input_token_details?.audio_tokens,
    usage.output_tokens,
    usage.output_token_details?.audio_tokens,
    usage.total_tokens,
  ];
  const row = document.createElement('tr');
  row.append(...cells.map((value) => Object.assign(document.createElement('td'), { textContent: value ?? '—' })));
  $('usage').tBodies[0].append(row);
  if (state.status === 'connected') {
    $('status').textContent =
      turns() === 'vad' ? 'Listening: just speak.' : 'Hold the button (or Space) while you speak.';
  }
}

function showError(error) {
  state.errors.push({ type: error.type ?? null, code: error.code ?? null, message: error.message });
  const li = document.createElement('li');
  li.textContent = [error.code, error.message].filter(Boolean).join(': ');
  $('errors').append(li);
}

function press() {
  if (holding || state.status !== 'connected' || turns() !== 'ptt') return;
  holding = true;
  pressedAt = state.sentSamples;
  $('talk').classList.add('held');
  void bargeIn();
  if (responseActive) send({ type: 'response.cancel' });
  send({ type: 'input_audio_buffer.clear' });
}

function release() {
  if (!holding) return;
  holding = false;
  $('talk').classList.remove('held');
  send({ type: 'input_audio_buffer.commit' });
  send({ type: 'response.create' });
}

$('load-models').addEventListener('click', () => void loadModels());
$('key').addEventListener('change', () => {
  if ($('key').value.trim() && $('models').options.length === 0) void loadModels();
});
$('connect').addEventListener('click', () => void (socket || audio ? disconnect() : connect()));
$('speed').addEventListener('input', () => ($('speed-value').textContent = Number($('speed').value).toFixed(2)));
for (const control of [$('voice'), $('speed'), $('transcribe')]) {
  control.addEventListener('change', () => send({ type: 'session.update', session: sessionConfig() }));
}
for (const radio of document.querySelectorAll('input[name="turns"]')) {
  radio.addEventListener('change', () => {
    send({ type: 'session.update', session: sessionConfig() });
    $('talk').disabled = state.status !== 'connected' || turns() !== 'ptt';
  });
}
$('talk').addEventListener('pointerdown', press);
$('talk').addEventListener('pointerup', release);
$('talk').addEventListener('pointerleave', release);
document.addEventListener('keydown', (event) => {
  if (event.code === 'Space' && !event.repeat && document.activeElement?.tagName !== 'INPUT') {
    event.preventDefault();
    press();
  }
});
document.addEventListener('keyup', (event) => {
  if (event.code === 'Space') release();
});
