// What the live viewer draws from data, with no state and no network of its own: DOM and SVG
// helpers, the map, Spectra's mood plot, and the feed's wording of events.

const SVG_NS = "http://www.w3.org/2000/svg";

export function el(tag, attrs = {}, ...children) {
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

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
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

/**
 * The map into the <svg> `root`: paths, places in their perceived colour (a halo where
 * Spectra's mood resonates), Spectra and players as dots, NPCs counted.
 */
export function drawMap(root, map, { youId, spectraHex = "#ffffff", onPlaceClick = () => {} }) {
  const positions = layoutPlaces(map.places);
  const edges = svg("g", { class: "paths" });
  for (const path of map.paths) {
    const a = positions.get(path.source);
    const b = positions.get(path.target);
    if (!a || !b) continue;
    edges.append(svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: path.two_way ? "path" : "path one-way" }));
  }
  const nodes = svg("g", { class: "places" });
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
      const you = who.id === youId;
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
    group.addEventListener("click", () => onPlaceClick(place.id));
    nodes.append(group);
  }
  root.replaceChildren(edges, nodes);
}

/** Mark the player's place (`here`) and the places its exits lead to (`reachable`). */
export function highlightPlaces(root, state) {
  const exits = new Set(state.exits.map((exit) => exit.id));
  for (const group of root.querySelectorAll("g.place")) {
    const id = Number(group.dataset.placeId);
    group.classList.toggle("here", id === state.location.id);
    group.classList.toggle("reachable", exits.has(id));
  }
}

/** Spectra's mood samples as a plot: pleasure (a line, -1..1) over intensity (shaded). */
export function plotMood(plot, samples) {
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

// How the feed words an event: by what was done (NPC_, SPECTRA_ and PLAYER_ events alike),
// from fields of its payload; anything else, by its type.
const DEEDS = {
  MOVE_ACTION: (p) => `sets off${p.to_name ? ` for ${p.to_name}` : ""}`,
  MOVED: (p) => `arrives${p.from_name ? ` from ${p.from_name}` : ""}`,
  RESTED: () => "rests",
  EXPLORED: (p) => `looks around${p.object_name ? ` at the ${p.object_name}` : ""}`,
  PURSUED_GOAL: (p) => (p.purpose ? `works toward: ${p.purpose}` : "works toward a goal"),
  EMOTION_CHANGED: (p) => (p.to ? `now feels ${p.to}` : "feels otherwise"),
  TOOK_OBJECT: (p) => `takes ${p.object_name || "something"}`,
  DROPPED_OBJECT: (p) => `puts down ${p.object_name || "something"}`,
  USED_OBJECT: (p) => `uses ${p.object_name || "something"}`,
  GAVE_OBJECT: (p) => `gives ${p.object_name || "something"} away`,
  CREATED: (p) => `makes ${p.creation || "something"}`,
  CONFRONTED: () => "has heated words with a rival",
  INTERACTED: (p) => `turns to ${p.target_name || "something"}`,
  WAITED: () => "waits",
  JOINED: () => "enters Htrae",
};
const OTHERS = {
  ENVIRONMENT_UPDATE: (p) =>
    p.environment?.resonance ? `The light here shifts with Spectra's ${p.environment.resonance.mood}.` : "The light here shifts.",
  TIME_OF_DAY_CHANGED: (p) => `It is ${p.qualifier || p.part || "another hour"}.`,
  GOAL_ADOPTED: (p) => `${p.actor_name} means to: ${p.title}`,
  GOAL_ACHIEVED: (p) => `${p.actor_name} did it: ${p.title}`,
  GOAL_FAILED: (p) => `${p.actor_name} gave up: ${p.title}`,
  DAY_PLANNED: (p) => `${p.actor_name} plans the day`,
  PLAN_REVISED: (p) => `${p.actor_name} changes plans`,
};

export function describeEvent(event) {
  const payload = event.payload || {};
  const who = payload.actor_name || "";
  if (payload.text) return `${who ? `${who}: ` : ""}${payload.text}`;
  if (payload.message) return payload.message;
  if (OTHERS[event.type]) return OTHERS[event.type](payload);
  const deed = DEEDS[event.type.replace(/^(NPC|SPECTRA|PLAYER)_/, "")];
  if (deed && who) return `${who} ${deed(payload)}`;
  const words = event.type.toLowerCase().replaceAll("_", " ");
  return who ? `${who} — ${words}` : words;
}
