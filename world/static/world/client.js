// Htrae's browser client: the REST API and the simulation WebSocket behind one object.
// No dependencies, no build step: `import { HtraeClient } from "/static/world/client.js"`.
// docs/client.md documents it; docs/websocket.md is the protocol it speaks.

/** An API answer other than 2xx, in the API's error shape {code, message, errors}. */
export class HtraeApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.name = "HtraeApiError";
    this.status = status;
    this.code = (body && body.code) || "http_error";
    this.errors = (body && body.errors) || {};
  }
}

/** A player action the server refused (an `error` frame answering its request_id). */
export class HtraeActionError extends Error {
  constructor(data) {
    super(data.message || data.code);
    this.name = "HtraeActionError";
    this.code = data.code;
    this.data = data;
  }
}

// Codes the server asks a client simply to send again after `retry_after`.
const RETRYABLE = new Set(["busy", "rate_limited", "unavailable"]);
const MAX_RETRIES = 3;
const UNAUTHORIZED_CHECK_EVERY = 3; // failed connection attempts
const WORLD_FRAMES = ["world_update", "chat_message", "notification", "spectra_status_update"];
// Event types that are lines spoken (htrae/vocabulary.py EventType.SPEECH).
export const SPEECH_EVENTS = new Set(["PLAYER_SPOKE", "NPC_TALKED", "SPECTRA_TALKED"]);

/** A spoken line from the event log (GET /api/events) in the shape of a `chat_message`'s data. */
export function chatFromEvent(event) {
  const payload = event.payload || {};
  return {
    event_id: event.id,
    tick: event.tick,
    location_id: event.location_id,
    speaker: { id: event.actor_id, name: payload.actor_name || "", kind: payload.actor_kind || null },
    listener: payload.listener_id ? { id: payload.listener_id, name: payload.listener_name || "" } : null,
    text: payload.text || "",
    in_reply_to: payload.in_reply_to_request_id || null,
    in_reply_to_event_id: payload.in_reply_to || null,
  };
}

async function requestJson(baseUrl, path, { method = "GET", token = null, body = undefined, params = null } = {}) {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Token ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  // credentials "omit": the token is the login; a session cookie would make DRF ask for CSRF.
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new HtraeApiError(response.status, parsed);
  return parsed;
}

/**
 * Backoff before reconnect attempt `attempt` (1, 2, ...): `initial` doubling up to `max`,
 * with up to `jitter` of it random so many clients dropped at once do not return at once.
 */
export function backoffDelay(attempt, { initial = 500, max = 15000, jitter = 0.3 } = {}, random = Math.random) {
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter + jitter * random()));
}

/**
 * One player's connection to Htrae. An EventTarget: listen with
 * `client.addEventListener("world_update", (e) => e.detail ...)`.
 *
 * Events (each a CustomEvent; `detail` below):
 *   status                 {status: "connecting"|"open"|"reconnecting"|"closed", attempt, delay, code}
 *   world_update           the place's data (also kept in `client.state`)
 *   chat_message           the frame's data
 *   notification           the frame's data
 *   spectra_status_update  Spectra's status (also kept in `client.spectra`)
 *   tick                   {tick, previous}: a frame carried a tick newer than any seen
 *   unauthorized           {status, code}: the token no longer works (or has no character); closed
 *   caught_up              {events, after, last_id}: what happened while disconnected (its
 *                          spoken lines were emitted just before as chat_message, caught_up: true)
 *   frame                  the whole raw frame, for anything else
 */
export class HtraeClient extends EventTarget {
  /** Create an account (and its character); resolves to {token, character}. */
  static register(username, password, { baseUrl = globalThis.location?.origin } = {}) {
    return requestJson(baseUrl, "/api/auth/register", { method: "POST", body: { username, password } });
  }

  /** Log in; resolves to {token, character}. */
  static login(username, password, { baseUrl = globalThis.location?.origin } = {}) {
    return requestJson(baseUrl, "/api/auth/token", { method: "POST", body: { username, password } });
  }

  constructor({ token, baseUrl = globalThis.location?.origin, backoff = {}, WebSocketImpl = globalThis.WebSocket } = {}) {
    super();
    if (!token) throw new Error("HtraeClient needs a token (HtraeClient.register or HtraeClient.login).");
    this.token = token;
    this.baseUrl = baseUrl;
    this.backoff = { initial: 500, max: 15000, jitter: 0.3, ...backoff };
    this.WebSocketImpl = WebSocketImpl;
    this.state = null; // the latest world_update data: the place where the player stands
    this.spectra = null; // the latest spectra_status_update data
    this.tick = null; // the newest tick any frame carried
    this.lastEventId = 0; // the highest event_id any frame carried: where catch-up starts
    this.status = "closed";
    this.socket = null;
    this._attempt = 0;
    this._timer = null;
    this._wanted = false;
    this._counter = 0;
    this._prefix = Math.random().toString(36).slice(2, 8); // request ids unique across tabs
    this._pending = new Map(); // request_id -> {frame, resolve, reject, retries}
  }

  // --- REST -------------------------------------------------------------------------------

  /** GET an API path with this client's token; resolves to the JSON body. */
  get(path, params = null) {
    return requestJson(this.baseUrl, path, { token: this.token, params });
  }

  /** Every result of a cursor-paged list, following `next_cursor` (at most `maxPages` pages). */
  async getAll(path, params = {}, { maxPages = 20 } = {}) {
    const results = [];
    let cursor = null;
    for (let page = 0; page < maxPages; page += 1) {
      const body = await this.get(path, cursor ? { ...params, cursor } : params);
      results.push(...body.results);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return results;
  }

  me() {
    return this.get("/api/auth/me");
  }

  worldState() {
    return this.get("/api/world/state");
  }

  worldMap() {
    return this.get("/api/world/map");
  }

  worldTime() {
    return this.get("/api/world/time");
  }

  spectraStatus() {
    return this.get("/api/spectra/status");
  }

  /** Spectra's mood samples since `since` (a Date), oldest first, every page. */
  spectraHistory(since) {
    return this.getAll("/api/spectra/history", { since: since.toISOString(), limit: 500 });
  }

  /** A character's quests: status "active" (default), "available" (on offer), "completed", ... */
  quests(characterId, status = "active") {
    return this.getAll(`/api/character/${characterId}/quests`, { status });
  }

  /** Events after an id, every page (the catch-up read). Resolves to {events, last_id}. */
  async eventsAfter(after) {
    const events = [];
    let params = { after, limit: 500 };
    let lastId = after;
    for (let page = 0; page < 20; page += 1) {
      const body = await this.get("/api/events", params);
      events.push(...body.results);
      lastId = body.last_id;
      if (!body.next_cursor) break;
      params = { cursor: body.next_cursor, limit: 500 };
    }
    return { events, last_id: lastId };
  }

  // --- WebSocket --------------------------------------------------------------------------

  /** Open the WebSocket; it reopens by itself (with backoff) until `close()`. */
  connect() {
    this._wanted = true;
    if (this.socket || this._timer) return;
    this._open();
  }

  /** Close for good: no reconnect; actions waiting for a reply are rejected. */
  close() {
    this._wanted = false;
    clearTimeout(this._timer);
    this._timer = null;
    if (this.socket) this.socket.close(1000);
    this.socket = null;
    for (const [, pending] of this._pending) pending.reject(new Error("The client was closed."));
    this._pending.clear();
    this._setStatus("closed", {});
  }

  /**
   * Send a player action; resolves to the `ack` data, rejects with HtraeActionError.
   * While disconnected it waits, and is sent (again, under the same request_id, which the
   * server applies once) when the connection is back.
   */
  act(action, fields = {}) {
    this._counter += 1;
    const requestId = `${this._prefix}-${this._counter}`;
    const frame = { type: "player_action", request_id: requestId, data: { action, ...fields } };
    return new Promise((resolve, reject) => {
      this._pending.set(requestId, { frame, resolve, reject, retries: 0 });
      this._sendFrame(frame);
    });
  }

  move(to) {
    return this.act("move", { to });
  }

  speak(text) {
    return this.act("speak", { text });
  }

  wait() {
    return this.act("wait");
  }

  interact(type, id) {
    return this.act("interact", { target: { type, id } });
  }

  acceptQuest(slug) {
    return this.act("accept_quest", { quest: slug });
  }

  abandonQuest(slug) {
    return this.act("abandon_quest", { quest: slug });
  }

  // --- internals --------------------------------------------------------------------------

  _url() {
    const url = new URL("/ws/simulation", this.baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", this.token);
    return url.toString();
  }

  _open() {
    this._timer = null;
    const reconnecting = this._attempt > 0;
    // Remember where the log stood before the fresh snapshot moves `lastEventId` on.
    const resumeFrom = this.lastEventId;
    this._setStatus(reconnecting ? "reconnecting" : "connecting", { attempt: this._attempt });
    const socket = new this.WebSocketImpl(this._url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this._setStatus("open", {});
      for (const [, pending] of this._pending) this._sendFrame(pending.frame);
      if (reconnecting && resumeFrom > 0) this._catchUp(resumeFrom);
    });
    socket.addEventListener("message", (message) => {
      if (this.socket !== socket) return;
      // Served, not merely accepted (a server that cannot serve accepts and closes with
      // 1013): only now does the backoff start again from the beginning.
      this._attempt = 0;
      this._receive(message.data);
    });
    socket.addEventListener("close", (closed) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this._wanted) return;
      this._attempt += 1;
      const delay = backoffDelay(this._attempt, this.backoff);
      this._setStatus("reconnecting", { attempt: this._attempt, delay, code: closed.code });
      this._timer = setTimeout(() => this._open(), delay);
      if (this._attempt % UNAUTHORIZED_CHECK_EVERY === 0) this._checkStillAuthorized();
    });
  }

  // A refused handshake looks like any failed connection to a browser (code 1006): after a
  // few failures in a row, ask the API whether the token still works, and stop if not.
  async _checkStillAuthorized() {
    try {
      await this.me();
    } catch (error) {
      if (error instanceof HtraeApiError && (error.status === 401 || error.status === 404)) {
        this.close();
        this._emit("unauthorized", { status: error.status, code: error.code });
      }
    }
  }

  async _catchUp(after) {
    try {
      const found = await this.eventsAfter(after);
      this._seeEventId(found.last_id);
      // Lines spoken meanwhile arrive as the chat_message events they would have been.
      for (const event of found.events) {
        if (SPEECH_EVENTS.has(event.type)) this._emit("chat_message", { ...chatFromEvent(event), caught_up: true });
      }
      this._emit("caught_up", { after, events: found.events, last_id: found.last_id });
    } catch (error) {
      // 410 `resync`: what happened since `after` is older than the history the server keeps.
      // The snapshot this connection began with is the current state; the gap cannot be read.
      const resync = error instanceof HtraeApiError && error.code === "resync";
      this._emit("caught_up", { after, events: [], last_id: this.lastEventId, resync, error: resync ? null : error });
    }
  }

  _sendFrame(frame) {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(frame));
  }

  _setStatus(status, detail) {
    this.status = status;
    this._emit("status", { status, ...detail });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _seeEventId(eventId) {
    if (Number.isInteger(eventId) && eventId > this.lastEventId) this.lastEventId = eventId;
  }

  _receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    this._emit("frame", frame);
    if (WORLD_FRAMES.includes(frame.type)) {
      this._seeEventId(frame.event_id);
      if (Number.isInteger(frame.tick) && (this.tick === null || frame.tick > this.tick)) {
        const previous = this.tick;
        this.tick = frame.tick;
        if (previous !== null) this._emit("tick", { tick: frame.tick, previous });
      }
    }
    if (frame.type === "world_update") this.state = frame.data;
    if (frame.type === "spectra_status_update") this.spectra = frame.data;
    if (frame.type === "ack" || frame.type === "error") {
      this._answer(frame);
      return;
    }
    this._emit(frame.type, frame.data);
  }

  _answer(frame) {
    const pending = this._pending.get(frame.request_id);
    if (!pending) {
      this._emit(frame.type, { ...frame.data, request_id: frame.request_id });
      return;
    }
    if (frame.type === "error" && RETRYABLE.has(frame.data.code) && pending.retries < MAX_RETRIES) {
      pending.retries += 1;
      setTimeout(() => this._sendFrame(pending.frame), 1000 * (frame.data.retry_after || 0.5));
      return;
    }
    this._pending.delete(frame.request_id);
    if (frame.type === "ack") pending.resolve(frame.data);
    else pending.reject(new HtraeActionError(frame.data));
    this._emit(frame.type, { ...frame.data, request_id: frame.request_id });
  }
}
