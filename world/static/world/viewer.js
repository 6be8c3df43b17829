// The live viewer at `/`: the reference client, built on client.js and nothing else.
import { HtraeApiError, HtraeClient, SPEECH_EVENTS } from "./client.js";
import { describeEvent, drawMap, el, highlightPlaces, plotMood } from "./render.js";

const TOKEN_KEY = "htrae.token";
const CHARACTER_KEY = "htrae.character";
const FEED_MAX = 80;
const CHAT_MAX = 120;
const MAP_REFRESH_MS = 1000; // at most one map read a second, however many frames come
const IN_WORLD_DAY_S = 86400;

const $ = (id) => document.getElementById(id);

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

// What happens where the player stands (the place's latest events; lines spoken are the chat's).
function feedPlaceEvents(events) {
  for (const event of events) {
    if (SPEECH_EVENTS.has(event.type)) continue;
    addFeed({ kind: "event", text: describeEvent(event), tick: event.tick, eventId: event.id });
  }
}

function onCaughtUp({ events, after, error, resync }) {
  if (resync) {
    addFeed({ kind: "connection", text: `Back online; what happened after #${after} is no longer kept, so the view starts afresh.` });
    refreshQuests();
    return;
  }
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
    plotMood($("mood-plot"), samples.filter((s) => Date.parse(s.world_time) >= last - IN_WORLD_DAY_S * 1000));
  } catch {
    // The plot keeps its last picture; the next tick tries again.
  }
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
    drawMap($("map"), viewer.map, {
      youId: viewer.character.id,
      spectraHex: $("mood-ring").dataset.hex,
      onPlaceClick: (id) => viewer.client.state?.exits.some((exit) => exit.id === id) && move(id),
    });
    $("map").dataset.tick = viewer.client.tick ?? "";
    highlightCurrentPlace();
  } catch {
    // keep the last map; the next frame schedules another read
  } finally {
    viewer.mapLoading = false;
  }
}

function highlightCurrentPlace() {
  if (viewer.client?.state) highlightPlaces($("map"), viewer.client.state);
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
