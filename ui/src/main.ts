/** Almanac's window: the sidebar and calendar, with the sign-in form in front until an account
 * exists. Everything shown comes from the local store through src/ipc. */
import "./styles/app.css";
import { toEventInput } from "./calendar/events";
import { pickLocale } from "./calendar/locale";
import { mountCalendar } from "./calendar/view";
import {
  type AccountView,
  eventsBetween,
  onChanged,
  overview,
  removeAccount,
  search,
  setCalendarEnabled,
  syncNow,
} from "./ipc";
import { accountNeedingRelink, setUpRelinkBanner } from "./relink/banner";
import { setUpSearch } from "./search/panel";
import { renderSidebar } from "./sidebar/accounts";
import { setUpSignIn } from "./signin/form";

const locale = pickLocale(navigator.languages);
const calendarElement = document.getElementById("calendar");
const sidebar = document.getElementById("accounts");
const overlay = document.getElementById("signin-overlay");
const emptyNote = document.getElementById("no-accounts");

const calendar = calendarElement
  ? mountCalendar(calendarElement, locale, async (from, to) => (await eventsBetween(from, to)).map(toEventInput))
  : null;

const showRelink = setUpRelinkBanner(() => void refresh());
const removeDialog = document.getElementById("remove-dialog");

/** Asks before removing: the account's saved calendars go with it. */
function confirmRemove(account: AccountView): void {
  if (!(removeDialog instanceof HTMLDialogElement)) return;
  const text = document.getElementById("remove-text");
  if (text) {
    const name = account.kind === "icloud" ? `iCloud (${account.username})` : account.username;
    text.textContent = `Almanac will forget the password of ${name} and delete its saved calendars from this computer. Nothing changes on the server.`;
  }
  removeDialog.returnValue = "";
  removeDialog.addEventListener(
    "close",
    () => {
      if (removeDialog.returnValue === "remove") void removeAccount(account.id).then(refresh);
    },
    { once: true },
  );
  removeDialog.showModal();
}

async function refresh(): Promise<void> {
  const data = await overview();
  if (sidebar) {
    renderSidebar(
      sidebar,
      data,
      {
        toggle: (id, enabled) => {
          void setCalendarEnabled(id, enabled).then(() => calendar?.refetchEvents());
        },
        syncNow: () => void syncNow(),
        remove: confirmRemove,
      },
      locale,
    );
  }
  if (emptyNote) emptyNote.hidden = data.accounts.length > 0;
  if (overlay) overlay.hidden = data.accounts.length > 0;
  showRelink(accountNeedingRelink(data.accounts));
  calendar?.refetchEvents();
}

const searchInput = document.getElementById("search-input");
const searchResults = document.getElementById("search-results");
if (searchInput instanceof HTMLInputElement && searchResults) {
  setUpSearch(searchInput, searchResults, search, (date) => calendar?.gotoDate(date));
}

setUpSignIn(() => void refresh());
void onChanged(() => void refresh());
void refresh();
