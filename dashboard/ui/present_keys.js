// Present mode in the browser (dashboard/ui/present.py mounts it): the keys a presenter's hands and clicker
// expect, with focus anywhere on the page; B for a black screen, F for full screen; the viewport's size, so the
// server sizes the slide to the screen; and the link between the audience view and the presenter view, a
// BroadcastChannel between tabs of one browser (it needs no network and no server, whichever worker each tab
// is on). The page stays a Streamlit page: a key asks the server for another slide through a trigger value.

const NEXT = new Set(["ArrowRight", "ArrowDown", "PageDown", "n", "N"]);
const PREVIOUS = new Set(["ArrowLeft", "ArrowUp", "PageUp", "p", "P", "Backspace"]);
const BLACK_ID = "dpa-black-screen";

function typingIn(target) {
  const tag = (target && target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

function setBlack(shared, on) {
  shared.black = on;
  if (shared.data.role === "presenter") {  // the presenter keeps the notes; the banner says the room is dark
    const banner = shared.root && shared.root.querySelector("[data-dpa-black]");
    if (banner) banner.hidden = !on;
    return;
  }
  let cover = document.getElementById(BLACK_ID);
  if (on && !cover) {
    cover = document.createElement("div");
    cover.id = BLACK_ID;
    cover.setAttribute("role", "presentation");
    cover.style.cssText = "position:fixed;inset:0;background:#000;z-index:2147483647;cursor:none";
    document.body.appendChild(cover);
  } else if (!on && cover) {
    cover.remove();
  }
}

function go(shared, slide, tell) {
  const count = shared.data.count;
  const target = Math.min(Math.max(slide, 0), count - 1);
  const current = shared.target === undefined ? shared.data.slide : shared.target;
  if (shared.black) setBlack(shared, false);
  if (target === current) return;
  shared.target = target;
  shared.setTriggerValue("go", target);
  if (tell && shared.channel) shared.channel.postMessage({ kind: "slide", slide: target });
}

function onKey(event) {
  const shared = window.__dpaPresent;
  if (!shared || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
  const current = shared.target === undefined ? shared.data.slide : shared.target;
  let handled = true;
  if (NEXT.has(event.key) || (event.key === " " && !event.shiftKey)) go(shared, current + 1, true);
  else if (PREVIOUS.has(event.key) || (event.key === " " && event.shiftKey)) go(shared, current - 1, true);
  else if (event.key === "Home") go(shared, 0, true);
  else if (event.key === "End") go(shared, shared.data.count - 1, true);
  else if (event.key === "b" || event.key === "B" || event.key === ".") {
    setBlack(shared, !shared.black);
    if (shared.channel) shared.channel.postMessage({ kind: "black", on: shared.black });
  } else if (event.key === "f" || event.key === "F") {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  } else if (event.key === "Escape") {
    if (shared.black) setBlack(shared, false);
    else shared.setTriggerValue("leave", true);
  } else handled = false;
  if (handled) {
    event.preventDefault();
    event.stopPropagation();
  }
}

function onMessage(event) {
  const shared = window.__dpaPresent;
  const message = event.data || {};
  if (!shared) return;
  if (message.kind === "slide" && Number.isInteger(message.slide)) go(shared, message.slide, false);
  if (message.kind === "black") setBlack(shared, Boolean(message.on));
}

function reportViewport(shared) {
  const size = { width: window.innerWidth, height: window.innerHeight };
  const known = shared.data.viewport || {};
  if (known.width !== size.width || known.height !== size.height) shared.setStateValue("viewport", size);
}

function tick(shared) {
  const clock = shared.root && shared.root.querySelector("[data-dpa-clock]");
  if (!clock) return;
  const now = new Date();
  const started = Number(sessionStorage.getItem("dpa-present-started") || now.getTime());
  const seconds = Math.max(0, Math.floor((now.getTime() - started) / 1000));
  const two = (n) => String(n).padStart(2, "0");
  clock.textContent = `${two(now.getHours())}:${two(now.getMinutes())} · ` +
    `${two(Math.floor(seconds / 60))}:${two(seconds % 60)} ${(shared.data.labels || {}).since || "since the start"}`;
}

export default function (component) {
  const { data, setTriggerValue, setStateValue, parentElement } = component;
  const shared = (window.__dpaPresent = window.__dpaPresent || {});
  if (shared.target !== undefined && (shared.target === data.slide || shared.data?.slide !== data.slide)) {
    shared.target = undefined;  // the slide asked for (or another one, from the other view) has arrived
  }
  Object.assign(shared, { data, setTriggerValue, setStateValue, root: parentElement });
  if (!shared.listening) {
    document.addEventListener("keydown", onKey, true);
    shared.listening = true;
  }
  if (shared.channelName !== data.channel) {
    if (shared.channel) shared.channel.close();
    shared.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(data.channel) : null;
    if (shared.channel) shared.channel.onmessage = onMessage;
    shared.channelName = data.channel;
  }
  if (!sessionStorage.getItem("dpa-present-started")) sessionStorage.setItem("dpa-present-started", String(Date.now()));
  clearInterval(shared.clock);
  if (data.role === "presenter") {
    tick(shared);
    shared.clock = setInterval(() => tick(shared), 1000);
  }
  setBlack(shared, Boolean(shared.black));
  reportViewport(shared);
  if (!shared.resizing) {
    let timer;
    shared.resizing = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reportViewport(window.__dpaPresent), 250);
    };
    window.addEventListener("resize", shared.resizing);
  }
  return () => {
    // Unmounted: the page left present mode. Keys go back to the page; the black screen lifts.
    document.removeEventListener("keydown", onKey, true);
    window.removeEventListener("resize", shared.resizing);
    clearInterval(shared.clock);
    if (shared.channel) shared.channel.close();
    const cover = document.getElementById(BLACK_ID);
    if (cover) cover.remove();
    window.__dpaPresent = undefined;
  };
}
