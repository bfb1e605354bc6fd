/** Almanac's window: the sidebar and calendar, with the sign-in form in front until an account
 * exists. Everything shown comes from the local store through src/ipc. */
import "./styles/app.css";
import { toEventInput } from "./calendar/events";
import { setUpGoTo } from "./calendar/goto";
import { pickLocale } from "./calendar/locale";
import { mountCalendar, VIEWS } from "./calendar/view";
import { setClockSkew, systemZone, wallClockIn } from "./calendar/zone";
import { setUpDetails } from "./details/panel";
import { guardNavigation } from "./details/links";
import { byId } from "./dom";
import {
  type AccountView,
  type CalendarView,
  type Overview,
  diagnostics,
  eventDetails,
  eventsBetween,
  exportCalendar,
  onChanged,
  openDataDir,
  openLink,
  overview,
  removeAccount,
  search,
  setCalendarEnabled,
  setCalendarNotify,
  setStartAtLogin,
  setSyncInterval,
  setZoneOverride,
  settings,
  subscribe,
  syncNow,
  syncProblems,
  unsubscribe,
} from "./ipc";
import { SHORTCUTS, setUpShortcuts } from "./keyboard";
import { setUpProblems } from "./problems/view";
import { accountNeedingRelink, setUpRelinkBanner } from "./relink/banner";
import { setUpSearch } from "./search/panel";
import { setUpSettings } from "./settings/dialog";
import { renderSidebar } from "./sidebar/accounts";
import { setUpSubscribe } from "./subscribe/dialog";
import { setUpSignIn } from "./signin/form";
import { throttle } from "./throttle";

const locale = pickLocale(navigator.languages);
/** The zone times are shown in; the shell says which (system or override) with each overview. */
let zone = systemZone();
/** Calendar names by id, from the latest overview. */
let calendarNames = new Map<number, string>();
const sidebar = byId("accounts", HTMLElement);
const overlay = byId("signin-overlay", HTMLElement);
const emptyNote = byId("no-accounts", HTMLElement);
const searchInput = byId("search-input", HTMLInputElement);

/** Words for a failed command; IPC failures already carry them. */
function describe(err: unknown): string {
  return err instanceof Error ? err.message : "Almanac could not complete that. Please try again.";
}

guardNavigation(document);

const details = setUpDetails(
  byId("details", HTMLElement),
  locale,
  (key) => eventDetails(key.calendar, key.href, key.start),
  (url) => {
    openLink(url).catch((err: unknown) => {
      details.notice(describe(err));
    });
  },
  describe,
);

const showGoTo = setUpGoTo(byId("goto-dialog", HTMLDialogElement), byId("goto-date", HTMLInputElement), byId("goto-error", HTMLElement), (day) => {
  calendar.gotoDate(day);
});

const calendar = mountCalendar(byId("calendar", HTMLElement), {
  locale,
  zone: () => zone,
  load: async (from, to) => (await eventsBetween(from, to)).map(toEventInput),
  open: (key, element) => {
    details.show(key, element);
  },
  goToDate: () => {
    showGoTo(calendar.getDate().toISOString().slice(0, 10));
  },
  calendarName: (id) => calendarNames.get(id),
});

// "Today" moves at midnight on the display zone's clock, also while the window stays open.
let today = wallClockIn(zone).slice(0, 10);
setInterval(() => {
  const now = wallClockIn(zone).slice(0, 10);
  if (now !== today) {
    today = now;
    calendar.setOption("now", () => wallClockIn(zone));
  }
}, 60_000);

const showRelink = setUpRelinkBanner(() => void refresh());
const removeDialog = byId("remove-dialog", HTMLDialogElement);

/** Asks before something that deletes saved events; `confirmed` runs on "yes". */
function confirmDeletion(title: string, text: string, yes: string, confirmed: () => void): void {
  byId("remove-title", HTMLElement).textContent = title;
  byId("remove-text", HTMLElement).textContent = text;
  byId("remove-confirm", HTMLButtonElement).textContent = yes;
  removeDialog.returnValue = "";
  removeDialog.addEventListener(
    "close",
    () => {
      if (removeDialog.returnValue === "remove") confirmed();
    },
    { once: true },
  );
  removeDialog.showModal();
}

/** Asks before removing: the account's saved calendars go with it. */
function confirmRemove(account: AccountView): void {
  const name = account.kind === "icloud" ? `iCloud (${account.username})` : account.username;
  confirmDeletion(
    "Remove this account?",
    `Almanac will forget the password of ${name} and delete its saved calendars from this computer. Nothing changes on the server.`,
    "Remove",
    () => void removeAccount(account.id).then(refresh),
  );
}

/** Asks before ending a subscription: its events go with it. */
function confirmUnsubscribe(calendar: CalendarView): void {
  confirmDeletion(
    "Unsubscribe from this calendar?",
    `Almanac will stop fetching ${calendar.name} and delete its events from this computer. You can subscribe again at any time.`,
    "Unsubscribe",
    () => {
      unsubscribe(calendar.id)
        .then(refresh)
        .catch((err: unknown) => {
          details.notice(describe(err));
        });
    },
  );
}

/** The latest overview, for the dialogs that list accounts. */
let latest: Overview = { accounts: [], calendars: [], display_zone: zone, clock_skew_ms: 0 };
const subscribeDialog = setUpSubscribe({
  subscribe,
  subscribed: () => void refresh(),
  describe,
});
for (const id of ["open-subscribe", "signin-subscribe"]) {
  byId(id, HTMLButtonElement).addEventListener("click", () => {
    subscribeDialog.show(latest);
  });
}

const settingsDialog = setUpSettings({
  load: settings,
  setSyncInterval,
  setStartAtLogin,
  setZoneOverride,
  setCalendarNotify,
  exportCalendar,
  diagnostics,
  openDataDir,
  writeClipboard: (text) => navigator.clipboard.writeText(text),
  removeAccount: confirmRemove,
  changed: () => void refresh(),
  describe,
});

const showProblems = setUpProblems(byId("problems-dialog", HTMLDialogElement), byId("problems-list", HTMLElement), syncProblems, describe);

const help = byId("help-dialog", HTMLDialogElement);
byId("help-list", HTMLElement).replaceChildren(
  ...SHORTCUTS.flatMap(({ keys, what }) => {
    const dt = document.createElement("dt");
    keys.forEach((key, i) => {
      if (i > 0) dt.append(" or ");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      dt.append(kbd);
    });
    const dd = document.createElement("dd");
    dd.textContent = what;
    return [dt, dd];
  }),
);
byId("open-settings", HTMLButtonElement).addEventListener("click", () => {
  settingsDialog.show();
});
byId("open-help", HTMLButtonElement).addEventListener("click", () => {
  help.showModal();
});

let refreshTicket = 0;

/** Reads accounts and calendars again and redraws everything that shows them. */
async function refresh(): Promise<void> {
  const mine = ++refreshTicket;
  let data: Overview;
  try {
    data = await overview();
  } catch (err) {
    if (mine !== refreshTicket) return;
    emptyNote.textContent = `Almanac could not read its saved calendars: ${describe(err)}`;
    emptyNote.hidden = false;
    return;
  }
  // A slower earlier answer must not replace a newer one.
  if (mine !== refreshTicket) return;
  latest = data;
  calendarNames = new Map(data.calendars.map((c) => [c.id, c.name]));
  const skewed = setClockSkew(data.clock_skew_ms);
  if (data.display_zone !== zone || skewed) {
    zone = data.display_zone;
    today = wallClockIn(zone).slice(0, 10);
    calendar.setOption("now", () => wallClockIn(zone));
    // The first overview of a pinned clock: the view opened on this machine's today.
    if (skewed) calendar.today();
  }
  renderSidebar(
    sidebar,
    data,
    {
      toggle: (id, enabled) => {
        void setCalendarEnabled(id, enabled).then(refresh);
      },
      syncNow: () => void syncNow(),
      showProblems: () => {
        showProblems();
      },
      unsubscribe: confirmUnsubscribe,
    },
    locale,
  );
  // Subscriptions made with no account are enough to use the window.
  const signedIn = data.accounts.length > 0 || data.calendars.some((c) => c.account === null);
  emptyNote.textContent = "No calendars yet. Sign in to see yours here.";
  emptyNote.hidden = signedIn;
  overlay.hidden = signedIn;
  if (!signedIn) {
    settingsDialog.close();
    details.hide();
  }
  settingsDialog.update(data);
  showRelink(accountNeedingRelink(data.accounts));
  calendar.refetchEvents();
}

/** Progress comes in bursts: the sidebar and the calendar catch up a few times a second. */
const refreshSoon = throttle(() => void refresh(), 300);

setUpSearch(
  searchInput,
  byId("search-results", HTMLElement),
  search,
  (date) => {
    calendar.gotoDate(date);
  },
  locale,
);

setUpShortcuts(document, (shortcut) => {
  if (!overlay.hidden) return;
  switch (shortcut.kind) {
    case "today":
      calendar.today();
      break;
    case "prev":
      calendar.prev();
      break;
    case "next":
      calendar.next();
      break;
    case "view":
      calendar.changeView(VIEWS[shortcut.view]);
      break;
    case "search":
      searchInput.focus();
      searchInput.select();
      break;
    case "goto":
      showGoTo(calendar.getDate().toISOString().slice(0, 10));
      break;
    case "settings":
      settingsDialog.show();
      break;
    case "help":
      help.showModal();
      break;
  }
});

setUpSignIn(() => void refresh());
void onChanged((event) => {
  if (event.reason === "progress") refreshSoon();
  else void refresh();
});
void refresh();
