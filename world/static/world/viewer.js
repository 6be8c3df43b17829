// The live viewer at `/`: the reference client, built on client.js and nothing else.
import { HtraeApiError, HtraeClient, SPEECH_EVENTS } from "./client.js";

const TOKEN_KEY = "htrae.token";
const CHARACTER_KEY = "htrae.character";
const SVG_NS = "http://www.w3.org/2000/svg";
const FEED_MAX = 80;
const CHAT_MAX = 120;
const MAP_REFRESH_MS = 1000; // at most one map read a second, however many frames come
const IN_WORLD_DAY_S = 86400;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

const viewer = {
  client: null,
  character: null, // {id, name, ...} of the logged-in player
  map: null,
  mapTimer: null,
  mapLoading: false,
  timeScale: 60,
};
window.htraeViewer = viewer; // for the console (and the browser tests)

// --- Logging in ----------------------------------------------------------------------------

function showWelcome(message = "") {
  $("welcome").hidden = false;
  $("viewer").hidden = true;
  $("logout").hidden = true;
  $("login-error").textContent = message;
}

async function onLoginSubmit(event) {
  event.preventDefault();
  const mode = event.submitter?.value || "login";
  const username = $("username").value.trim();
  const password = $("password").value;
  $("login-error").textContent = "";
  try {
    const answer =
      mode === "register" ? await HtraeClient.register(username, password) : await HtraeClient.login(username, password);
    if (!answer.character) {
      $("login-error").textContent = "This account has no player character.";
      return;
    }
    localStorage.setItem(TOKEN_KEY, answer.token);
    localStorage.setItem(CHARACTER_KEY, JSON.stringify(answer.character));
    start(answer.token, answer.character);
  } catch (error) {
    $("login-error").textContent = describeError(error);
  }
}

function describeError(error) {
  if (error instanceof HtraeApiError) {
    const details = Object.entries(error.errors || {})
      .map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`)
      .join("; ");
    return details ? `${error.message} (${details})` : error.message;
  }
  return error.message || String(error);
}

function logout() {
  viewer.client?.close();
  viewer.client = null;
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(CHARACTER_KEY);
  clearChildren($("chat"), $("feed"));
  showWelcome();
}

// --- Starting the live view -------------------------------------------------------------------

async function start(token, character) {
  const client = new HtraeClient({ token });
  viewer.client = client;
  viewer.character = character;
  try {
    viewer.character = await client.me();
  } catch (error) {
    if (!character || (error instanceof HtraeApiError && (error.status === 401 || error.status === 404))) {
      logout();
      showWelcome(error instanceof HtraeApiError ? "Please log in again." : describeError(error));
      return;
    }
  }
  $("welcome").hidden = true;
  $("viewer").hidden = false;
  $("logout").hidden = false;
  document.body.dataset.character = viewer.character.id;

  client.addEventListener("status", (e) => showConnection(e.detail));
  client.addEventListener("world_update", (e) => {
    showPlace(e.detail);
    feedPlaceEvents(e.detail.events);
    scheduleMapRefresh();
  });
  client.addEventListener("tick", (e) => onTick(e.detail.tick));
  client.addEventListener("chat_message", (e) => addChat(e.detail));
  client.addEventListener("notification", (e) => onNotification(e.detail));
  client.addEventListener("spectra_status_update", (e) => {
    showSpectra(e.detail);
    scheduleMapRefresh();
  });
  client.addEventListener("caught_up", (e) => onCaughtUp(e.detail));
  client.addEventListener("unauthorized", () => {
    logout();
    showWelcome("Your login is no longer valid: please log in again.");
  });
  client.connect();

  await Promise.allSettled([refreshTime(), refreshSpectra(), refreshMap(), refreshQuests()]);
}

// --- Connection and clock ----------------------------------------------------------------------

function showConnection({ status, delay, attempt }) {
  const node = $("connection");
  node.dataset.status = status;
  const words = {
    connecting: "connecting…",
    open: "live",
    reconnecting: delay ? `reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt})` : "reconnecting…",
    closed: "offline",
  };
  node.textContent = words[status] || status;
  if (status === "reconnecting" && delay) addFeed({ kind: "connection", text: `Connection lost; ${node.textContent}.` });
}

async function onTick(tick) {
  $("tick").textContent = tick;
  scheduleMapRefresh();
  await Promise.allSettled([refreshTime(), refreshSpectraHistory()]);
}

async function refreshTime() {
  const time = await viewer.client.worldTime();
  viewer.timeScale = time.time_scale || viewer.timeScale;
  $("tick").textContent = Math.max(time.tick, viewer.client.tick || 0);
  const paused = time.paused ? " (paused)" : "";
  $("world-time").textContent = `${time.date}, ${time.time} — ${time.time_of_day}${paused}`;
}

// --- The place where the player stands ----------------------------------------------------------

function clearChildren(...nodes) {
  for (const node of nodes) node.replaceChildren();
}

function showPlace(state) {
  const { location } = state;
  const env = location.environment;
  $("place-name").textContent = location.name;
  $("place-region").textContent = location.region;
  $("place-description").textContent = location.description;
  $("env-light").style.width = `${Math.round(env.light * 100)}%`;
  $("env-light-value").textContent = env.light.toFixed(2);
  $("env-color-swatch").style.background = env.color;
  $("env-color").textContent = env.color;
  $("env-sound").textContent = env.sound || "silence";
  $("env-resonance").textContent = env.resonance
    ? `Spectra's ${env.resonance.mood} (weight ${env.resonance.weight})`
    : "none";
  $("place").style.setProperty("--place-color", env.color);

  $("present").replaceChildren(
    ...state.characters.map((c) =>
      el(
        "li",
        { class: `who ${c.kind}${c.id === viewer.character.id ? " you" : ""}`, dataset: { characterId: c.id } },
        el("span", { class: "name" }, c.id === viewer.character.id ? `${c.name} (you)` : c.name),
        el("span", { class: "mood-tag" }, c.mood),
        c.faction ? el("span", { class: "faction" }, c.faction.name) : null,
      ),
    ),
    ...(state.population > state.characters.length ? [el("li", {}, `and ${state.population - state.characters.length} more`)] : []),
  );
  $("objects").replaceChildren(
    ...state.objects.map((o) => el("li", { class: "object", title: o.description }, `${o.name} (${o.kind})`)),
  );
  $("exits").replaceChildren(
    ...state.exits.map((exit) =>
      el(
        "button",
        { type: "button", class: "exit", dataset: { to: exit.id }, title: exit.description, onclick: () => move(exit.id) },
        `${exit.name} · ${exit.travel_cost} tick${exit.travel_cost === 1 ? "" : "s"}`,
      ),
    ),
  );
  highlightCurrentPlace();
}

async function move(to) {
  $("action-error").textContent = "";
  for (const button of $("exits").querySelectorAll("button")) button.disabled = true;
  try {
    await viewer.client.move(to);
  } catch (error) {
    $("action-error").textContent = describeError(error);
  } finally {
    for (const button of $("exits").querySelectorAll("button")) button.disabled = false;
  }
}

// --- Chat: replies under what they answer ------------------------------------------------------

function addChat(line) {
  const chat = $("chat");
  if (chat.querySelector(`[data-event-id="${line.event_id}"]`)) return; // caught up and sent live
  const mine = line.speaker.id === viewer.character.id;
  const item = el(
    "li",
    { class: `line ${line.speaker.kind || ""}${mine ? " mine" : ""}`, dataset: { eventId: line.event_id } },
    el(
      "div",
      { class: "said" },
      el("span", { class: "speaker" }, line.speaker.name || "someone"),
      line.listener ? el("span", { class: "listener" }, ` to ${line.listener.name}`) : null,
      el("span", { class: "text" }, line.text),
      el("span", { class: "when" }, `tick ${line.tick}`),
    ),
    el("ol", { class: "replies" }),
  );
  const answered = line.in_reply_to_event_id
    ? chat.querySelector(`[data-event-id="${line.in_reply_to_event_id}"] > .replies`)
    : null;
  if (answered) answered.append(item);
  else chat.append(item);
  while (chat.children.length > CHAT_MAX) chat.firstElementChild.remove();
  if (!answered) chat.scrollTop = chat.scrollHeight;
}

async function onChatSubmit(event) {
  event.preventDefault();
  const input = $("chat-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  try {
    await viewer.client.speak(text);
  } catch (error) {
    $("action-error").textContent = describeError(error);
    input.value = text;
  }
}

// --- Feed ----------------------------------------------------------------------------------------

function addFeed({ kind, text, tick = null, eventId = null }) {
  const feed = $("feed");
  const known = eventId ? feed.querySelector(`[data-event-id="${eventId}"]`) : null;
  if (known && !(kind === "notification" && !known.classList.contains("notification"))) return;
  known?.remove(); // a notification's words say more than the bare event's
  const item = el(
    "li",
    { class: `feed-item ${kind}`, dataset: eventId ? { eventId } : {} },
    tick !== null ? el("span", { class: "when" }, `tick ${tick}`) : null,
    el("span", { class: "text" }, text),
  );
  feed.prepend(item);
  while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
}

function onNotification(note) {
  addFeed({ kind: "notification", text: note.message, tick: note.tick, eventId: note.event_id });
  if (note.event_type.startsWith("QUEST_")) refreshQuests();
}

function describeEvent(event) {
  const payload = event.payload || {};
  const who = payload.actor_name || "";
  if (payload.text) return `${who ? `${who}: ` : ""}${payload.text}`;
  if (payload.message) return payload.message;
  const words = event.type.toLowerCase().replaceAll("_", " ");
  return who ? `${who} — ${words}` : words;
}

// What happens where the player stands (the place's latest events; lines spoken are the chat's).
function feedPlaceEvents(events) {
  for (const event of events) {
    if (SPEECH_EVENTS.has(event.type)) continue;
    addFeed({ kind: "event", text: describeEvent(event), tick: event.tick, eventId: event.id });
  }
}

function onCaughtUp({ events, after, error }) {
  if (error) {
    addFeed({ kind: "connection", text: `Back online; could not catch up after event ${after}: ${describeError(error)}` });
    return;
  }
  addFeed({ kind: "connection", text: `Back online; caught up on ${events.length} event(s) after #${after}.` });
  for (const event of events) addFeed({ kind: "caught-up", text: describeEvent(event), tick: event.tick, eventId: event.id });
  refreshQuests();
}

// --- Spectra -------------------------------------------------------------------------------------

async function refreshSpectra() {
  try {
    showSpectra(await viewer.client.spectraStatus());
  } catch (error) {
    $("spectra-mood").textContent = describeError(error);
  }
  await refreshSpectraHistory();
}

function showSpectra(status) {
  const { emotional_state: feeling, expression } = status;
  const ring = $("mood-ring");
  ring.style.setProperty("--ring", feeling.color.hex);
  ring.style.setProperty("--ring-strength", String(0.35 + 0.65 * feeling.color.intensity));
  ring.title = `${feeling.color.hex}, hue ${feeling.color.hue}`;
  ring.dataset.hex = feeling.color.hex;
  $("spectra-mood").textContent = `${feeling.mood} · intensity ${feeling.intensity.toFixed(2)}`;
  $("spectra-mood").dataset.mood = feeling.mood;
  $("spectra-where").textContent = status.location ? `at ${status.location.name} · energy ${Math.round(status.energy)}` : "";
  $("spectra-expression").textContent = expression?.text || "";
  $("spectra-thoughts").replaceChildren(
    ...(status.thoughts || []).slice(0, 5).map((t) => el("li", {}, t.text, el("span", { class: "when" }, ` tick ${t.tick}`))),
  );
  $("spectra-goals").replaceChildren(
    ...(status.goals || []).map((goal) =>
      el(
        "li",
        {},
        el("span", {}, goal.title),
        el("span", { class: "meter" }, el("span", { style: `width:${Math.round(goal.progress * 100)}%` })),
      ),
    ),
  );
}

async function refreshSpectraHistory() {
  // One in-world day is 86400 / time_scale real seconds; read a little more, keep the day.
  const since = new Date(Date.now() - (1500 * IN_WORLD_DAY_S) / viewer.timeScale);
  try {
    const samples = await viewer.client.spectraHistory(since);
    const last = samples.length ? Date.parse(samples[samples.length - 1].world_time) : 0;
    plotMood(samples.filter((s) => Date.parse(s.world_time) >= last - IN_WORLD_DAY_S * 1000));
  } catch {
    // The plot keeps its last picture; the next tick tries again.
  }
}

function plotMood(samples) {
  const plot = $("mood-plot");
  plot.replaceChildren(svg("line", { x1: 0, y1: 40, x2: 300, y2: 40, class: "axis" }));
  plot.dataset.samples = samples.length;
  if (!samples.length) return;
  const first = Date.parse(samples[0].world_time);
  const span = Math.max(1, Date.parse(samples[samples.length - 1].world_time) - first);
  const x = (s) => (samples.length === 1 ? 300 : ((Date.parse(s.world_time) - first) / span) * 300);
  const y = (value) => 40 - value * 36;
  const shade = samples.map((s) => `${x(s).toFixed(1)},${(80 - s.intensity * 78).toFixed(1)}`);
  plot.append(svg("polygon", { points: `0,80 ${shade.join(" ")} 300,80`, class: "intensity" }));
  plot.append(
    svg("polyline", { points: samples.map((s) => `${x(s).toFixed(1)},${y(s.pleasure).toFixed(1)}`).join(" "), class: "pleasure" }),
  );
  const last = samples[samples.length - 1];
  plot.append(svg("circle", { cx: x(last), cy: y(last.pleasure), r: 3, class: "now" }, svg("title", {}, last.mood)));
}

// --- Quests --------------------------------------------------------------------------------------

async function refreshQuests() {
  if (!viewer.client) return;
  const id = viewer.character.id;
  try {
    const [active, available] = await Promise.all([viewer.client.quests(id, "active"), viewer.client.quests(id, "available")]);
    $("quests-active").replaceChildren(...(active.length ? active.map((q) => questCard(q, true)) : [el("p", { class: "empty" }, "No quest taken.")]));
    $("quests-available").replaceChildren(
      ...(available.length ? available.map((q) => questCard(q, false)) : [el("p", { class: "empty" }, "Nothing on offer.")]),
    );
  } catch (error) {
    $("quests-active").textContent = describeError(error);
  }
}

function questCard(quest, held) {
  const current = quest.current_step?.order;
  return el(
    "article",
    { class: `quest${held ? " held" : ""}`, dataset: { quest: quest.quest } },
    el("h4", {}, quest.title),
    el("p", { class: "quest-meta" }, [
      quest.faction ? quest.faction.name : null,
      quest.giver ? `from ${quest.giver.name}${quest.giver.location ? ` at ${quest.giver.location.name}` : ""}` : null,
      quest.deadline_tick ? `due by tick ${quest.deadline_tick}` : null,
    ].filter(Boolean).join(" · ")),
    el(
      "ol",
      { class: "steps" },
      quest.steps.map((step) =>
        el("li", { class: held && step.order < current ? "done" : held && step.order === current ? "current" : "" }, step.objective),
      ),
    ),
    el(
      "button",
      { type: "button", class: held ? "abandon" : "accept", onclick: () => questAction(quest.quest, held) },
      held ? "Abandon" : "Accept",
    ),
  );
}

async function questAction(slug, held) {
  $("action-error").textContent = "";
  try {
    if (held) await viewer.client.abandonQuest(slug);
    else await viewer.client.acceptQuest(slug);
  } catch (error) {
    $("action-error").textContent = describeError(error);
  }
  await refreshQuests();
}

// --- The map -------------------------------------------------------------------------------------

function scheduleMapRefresh() {
  if (viewer.mapTimer) return;
  viewer.mapTimer = setTimeout(() => {
    viewer.mapTimer = null;
    refreshMap();
  }, MAP_REFRESH_MS);
}

async function refreshMap() {
  if (!viewer.client || viewer.mapLoading) return;
  viewer.mapLoading = true;
  try {
    viewer.map = await viewer.client.worldMap();
    drawMap(viewer.map);
  } catch {
    // keep the last map; the next frame schedules another read
  } finally {
    viewer.mapLoading = false;
  }
}

/** Screen positions: the designers' coordinates (y north-up), or a circle if they set none. */
export function layoutPlaces(places) {
  const distinct = new Set(places.map((p) => `${p.map.x},${p.map.y}`));
  const positions = new Map();
  if (places.length > 1 && distinct.size === 1) {
    places.forEach((place, index) => {
      const angle = (2 * Math.PI * index) / places.length;
      positions.set(place.id, { x: 50 + 40 * Math.cos(angle), y: 50 + 40 * Math.sin(angle) });
    });
    return positions;
  }
  const xs = places.map((p) => p.map.x);
  const ys = places.map((p) => p.map.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = 84 / Math.max(maxX - minX, maxY - minY, 1);
  for (const place of places) {
    positions.set(place.id, { x: 8 + (place.map.x - minX) * scale, y: 92 - (place.map.y - minY) * scale });
  }
  return positions;
}

function drawMap(map) {
  const root = $("map");
  const positions = layoutPlaces(map.places);
  const edges = svg("g", { class: "paths" });
  for (const path of map.paths) {
    const a = positions.get(path.source);
    const b = positions.get(path.target);
    if (!a || !b) continue;
    edges.append(svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: path.two_way ? "path" : "path one-way" }));
  }
  const nodes = svg("g", { class: "places" });
  const spectraHex = $("mood-ring").dataset.hex || "#ffffff";
  for (const place of map.places) {
    const at = positions.get(place.id);
    const env = place.environment;
    const group = svg("g", { class: "place", "data-place-id": place.id, transform: `translate(${at.x.toFixed(2)} ${at.y.toFixed(2)})` });
    if (env.resonance) {
      group.append(svg("circle", { r: 3.6 + 2 * env.resonance.weight, class: "resonance", fill: env.color, "fill-opacity": 0.25 + 0.5 * env.resonance.weight }));
    }
    group.append(svg("circle", { r: 2.4, class: "node", fill: env.color, "fill-opacity": 0.4 + 0.6 * env.light }));
    group.append(svg("text", { y: 5.2, class: "label" }, place.name.replace(/^The /, "")));
    let slot = 0;
    for (const who of place.characters) {
      const you = who.id === viewer.character.id;
      if (who.kind === "npc") continue;
      const angle = -Math.PI / 2 + slot * 0.9;
      slot += 1;
      const dot = svg("circle", {
        cx: (3.4 * Math.cos(angle)).toFixed(2),
        cy: (3.4 * Math.sin(angle)).toFixed(2),
        r: who.kind === "spectra" ? 1.3 : 0.9,
        class: `who ${who.kind}${you ? " you" : ""}`,
        "data-character-id": who.id,
      });
      if (who.kind === "spectra") dot.setAttribute("fill", spectraHex);
      dot.append(svg("title", {}, who.name));
      group.append(dot);
    }
    const npcs = place.characters.filter((c) => c.kind === "npc").length + (place.population - place.characters.length);
    if (npcs > 0) group.append(svg("text", { x: 2.6, y: -1.6, class: "npc-count" }, `${npcs}`));
    const names = place.characters.map((c) => c.name).join(", ");
    const more = place.population > place.characters.length ? ` and ${place.population - place.characters.length} more` : "";
    const resonance = env.resonance ? ` Resonating with Spectra's ${env.resonance.mood}.` : "";
    group.append(svg("title", {}, `${place.name}: ${names || "no one"}${more}.${resonance}`));
    group.addEventListener("click", () => {
      if (viewer.client.state?.exits.some((exit) => exit.id === place.id)) move(place.id);
    });
    nodes.append(group);
  }
  root.replaceChildren(edges, nodes);
  root.dataset.tick = viewer.client.tick ?? "";
  highlightCurrentPlace();
}

function highlightCurrentPlace() {
  const state = viewer.client?.state;
  if (!state) return;
  const exits = new Set(state.exits.map((exit) => exit.id));
  for (const group of $("map").querySelectorAll("g.place")) {
    const id = Number(group.dataset.placeId);
    group.classList.toggle("here", id === state.location.id);
    group.classList.toggle("reachable", exits.has(id));
  }
}

// --- Boot ----------------------------------------------------------------------------------------

$("login-form").addEventListener("submit", onLoginSubmit);
$("chat-form").addEventListener("submit", onChatSubmit);
$("logout").addEventListener("click", logout);

const savedToken = localStorage.getItem(TOKEN_KEY);
if (savedToken) {
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(CHARACTER_KEY));
  } catch {
    saved = null;
  }
  start(savedToken, saved);
} else {
  showWelcome();
}
