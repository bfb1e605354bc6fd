/** Almanac's window: the sidebar and calendar, with the sign-in form in front until an account
 * exists. Everything shown comes from the local store through src/ipc. This file only wires the
 * features (each in its folder, taking its IPC as arguments) to the shell and to each other. */
import "./styles/app.css";
import { toEventInput } from "./calendar/events";
import { setUpGoTo } from "./calendar/goto";
import { pickLocale } from "./calendar/locale";
import { mountCalendar, refreshEvents, VIEWS } from "./calendar/view";
import { setClockSkew, systemZone, wallClockIn } from "./calendar/zone";
import { displayClock } from "./clock";
import { renderChangeCounts } from "./conflicts/counts";
import { setUpConflicts } from "./conflicts/view";
import { setUpDetails } from "./details/panel";
import { editingRows } from "./details/state";
import { guardNavigation } from "./details/links";
import { byId } from "./dom";
import { detailsFollower, mountEditor } from "./editor/mount";
import { readOnlyReason } from "./editor/readonly";
import { renderShortcuts } from "./help/dialog";
import { listenForTestDrops, setUpImport } from "./import/dialog";
import { setUpImportCommand } from "./import/pick";
import {
  type Overview,
  diagnostics,
  eventDetails,
  eventsBetween,
  exportCalendar,
  onChanged,
  onFilesDropped,
  pickIcsFile,
  openAppPasswordPage,
  openDataDir,
  openLink,
  overview,
  relink,
  removeAccount,
  search,
  setCalendarEnabled,
  setCalendarNotify,
  setStartAtLogin,
  setSyncInterval,
  setZoneOverride,
  settings,
  shell,
  signIn,
  subscribe,
  syncNow,
  syncProblems,
  unsubscribe,
} from "./ipc";
import { SHORTCUTS, setUpShortcuts } from "./keyboard";
import { latestOnly } from "./latest";
import { describe, setUpNotices, showUnhandledRejections } from "./notice";
import { setUpProblems } from "./problems/view";
import { accountNeedingRelink, setUpRelinkBanner } from "./relink/banner";
import { setUpRemove } from "./remove/dialog";
import { setUpSearch } from "./search/panel";
import { setUpSettings } from "./settings/dialog";
import { renderSidebar } from "./sidebar/accounts";
import { setUpGate } from "./signin/gate";
import { setUpSignIn } from "./signin/form";
import { setUpSubscribe } from "./subscribe/dialog";
import { throttle } from "./throttle";

const notices = setUpNotices(document.body);
showUnhandledRejections(window, notices);
guardNavigation(document);

const locale = pickLocale(navigator.languages);
/** The latest overview, for the dialogs that list accounts and the calendar's names. The first
 * is awaited before the calendar is drawn: FullCalendar reckons "today" once, as it mounts (its
 * later `now` changes move the clock but not the day it marks), so the shell's zone and clock
 * must be known by then. A failure here is said by the first redraw. */
let latest: Overview = await overview().catch(
  (): Overview => ({ accounts: [], calendars: [], display_zone: systemZone(), clock_skew_ms: 0 }),
);
setClockSkew(latest.clock_skew_ms);
const clock = displayClock(latest.display_zone, () => calendar);
const sidebar = byId("accounts", HTMLElement);
const overlay = byId("signin-overlay", HTMLElement);
const gate = setUpGate(overlay, byId("no-accounts", HTMLElement));
const searchInput = byId("search-input", HTMLInputElement);
const help = byId("help-dialog", HTMLDialogElement);
renderShortcuts(byId("help-list", HTMLElement), SHORTCUTS);

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
  (key, view) => [
    editor.detailsActions(key, view.read_only ? (view.read_only_reason ?? "Read-only.") : null),
    ...editingRows(key, view, {
      answerInvitation: shell.answerInvitation,
      askScope: () => editor.askScope(),
      changed: (receipt, what) => {
        editor.changed(receipt, what);
      },
      failed: (err) => {
        editor.failed(err);
      },
      showConflicts: () => {
        conflictsView.show();
      },
      reshow: (key) => {
        details.show(key, null);
      },
    }),
  ],
);

const showGoTo = setUpGoTo(byId("goto-dialog", HTMLDialogElement), byId("goto-date", HTMLInputElement), byId("goto-error", HTMLElement), (day) => {
  calendar.gotoDate(day);
});

const calendar = mountCalendar(byId("calendar", HTMLElement), {
  locale,
  zone: clock.zone,
  load: (from, to) =>
    eventsBetween(from, to).then(
      (events) => events.map(toEventInput),
      (err: unknown) => {
        notices.failed(err);
        throw err;
      },
    ),
  open: (key, element) => {
    details.show(key, element);
  },
  goToDate: () => {
    showGoTo(calendar.getDate().toISOString().slice(0, 10));
  },
  calendarName: (id) => latest.calendars.find((c) => c.id === id)?.name,
  newEvent: () => {
    editor.newEvent();
  },
  readOnlyReason: (id) => {
    const shown = latest.calendars.find((c) => c.id === id);
    return shown ? readOnlyReason(shown) : null;
  },
  // Drag, resize, select and Alt+arrows, through the editor's scope question and undo toast.
  editing: {
    editable: (id) => {
      const shown = latest.calendars.find((c) => c.id === id);
      return shown !== undefined && readOnlyReason(shown) === null;
    },
    recurring: (event) => shell.editorFields(event).then((fields) => fields.recurring),
    askScope: () => editor.askScope(),
    moveEvent: shell.moveEvent,
    changed: (receipt, what) => {
      editor.changed(receipt, what);
    },
    quickCreate: (range, anchor) => {
      editor.openQuickCreate(range, anchor);
    },
    failed: (err) => {
      editor.failed(err);
    },
  },
});
const editor = mountEditor(shell, {
  locale,
  zone: clock.zone,
  now: () => wallClockIn(clock.zone()),
  shownDay: () => calendar.getDate().toISOString().slice(0, 10),
  unselect: () => {
    calendar.unselect();
  },
  detailsShown: () => details.shown,
  stored: detailsFollower(details),
  root: document.body,
  mac: navigator.userAgent.includes("Mac OS"),
});
setInterval(clock.tick, 60_000);

/** Reads accounts and calendars again and redraws everything that shows them. */
const refresh = latestOnly(overview, show, (err) => {
  gate.unreadable(describe(err));
});
/** Redraws when nobody waits for it; a failure to draw is said in words. */
const redraw = (): void => {
  notices.watch(refresh());
};
/** Progress comes in bursts: the sidebar and the calendar catch up a few times a second. */
const redrawSoon = throttle(redraw, 300);

const showRelink = setUpRelinkBanner({ relink, openAppPasswordPage, relinked: redraw, describe });
const remove = setUpRemove({ removeAccount, unsubscribe, removed: refresh, failed: notices.failed });
const subscribeDialog = setUpSubscribe({ subscribe, subscribed: redraw, describe });
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
  removeAccount: remove.account,
  changed: redraw,
  describe,
});
byId("open-settings", HTMLButtonElement).addEventListener("click", () => {
  settingsDialog.show();
});
byId("open-help", HTMLButtonElement).addEventListener("click", () => {
  help.showModal();
});

const conflictsView = setUpConflicts({ conflicts: shell.conflicts, resolveConflict: shell.resolveConflict, resolved: redraw, describe }, locale);
const importer = setUpImport({
  writableCalendars: shell.writableCalendars,
  importPreview: shell.importPreview,
  importEvents: shell.importEvents,
  imported: redraw,
  say: notices.say,
  describe,
});
notices.watch(onFilesDropped(importer.dropped));
setUpImportCommand({
  button: byId("open-import", HTMLButtonElement),
  pick: pickIcsFile,
  importer,
  mac: navigator.userAgent.includes("Mac OS"),
  failed: (err) => {
    notices.say(describe(err));
  },
});
let testDrops = false;

const showProblems = setUpProblems(byId("problems-dialog", HTMLDialogElement), byId("problems-list", HTMLElement), syncProblems, describe);
const sidebarActions = {
  toggle: (id: number, enabled: boolean) => {
    // Redrawn either way: a refused change puts the checkbox back.
    notices.watch(setCalendarEnabled(id, enabled).finally(refresh));
  },
  syncNow: () => {
    notices.watch(syncNow());
  },
  showProblems: () => {
    showProblems();
  },
  unsubscribe: remove.calendar,
};

/** Hands a new overview to everything that shows accounts and calendars. */
function show(data: Overview): void {
  latest = data;
  clock.adopt(data.display_zone, data.clock_skew_ms);
  renderSidebar(sidebar, data, sidebarActions, locale);
  notices.watch(
    shell.pendingChanges().then((counts) => {
      renderChangeCounts(sidebar, counts, conflictsView.show);
    }),
  );
  // The real-window suite's stand-in for dropping a file (import/dialog.ts): only on a test's
  // pinned clock.
  if (data.clock_skew_ms !== 0 && !testDrops) {
    testDrops = true;
    listenForTestDrops(window, importer);
  }
  if (!gate.show(data)) {
    settingsDialog.close();
    details.hide();
  }
  settingsDialog.update(data);
  showRelink(accountNeedingRelink(data.accounts));
  // Events say their calendar's name and why it is read-only on hover (not its sync progress).
  refreshEvents(calendar, JSON.stringify(data.calendars.map((c) => [c.id, c.name, readOnlyReason(c)])));
}

setUpSearch(
  searchInput,
  byId("search-results", HTMLElement),
  search,
  (date) => {
    calendar.gotoDate(date);
  },
  describe,
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

setUpSignIn({ signIn, openAppPasswordPage, signedIn: redraw, describe });
notices.watch(
  onChanged((event) => {
    // Local edits come in bursts too (Alt+arrows held down); the calendar shows each at once
    // itself, so reloading the range once per burst is enough.
    if (event.reason === "progress" || event.reason === "edited") redrawSoon();
    else redraw();
  }),
);
redraw();
