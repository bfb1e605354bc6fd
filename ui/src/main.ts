/** Almanac's window: the sidebar and calendar, with the sign-in form in front until an account
 * exists. Everything shown comes from the local store through src/ipc. */
import "./styles/app.css";
import { toEventInput } from "./calendar/events";
import { pickLocale } from "./calendar/locale";
import { mountCalendar } from "./calendar/view";
import { eventsBetween, onChanged, overview, setCalendarEnabled, syncNow } from "./ipc";
import { accountNeedingRelink, setUpRelinkBanner } from "./relink/banner";
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
      },
      locale,
    );
  }
  if (emptyNote) emptyNote.hidden = data.accounts.length > 0;
  if (overlay) overlay.hidden = data.accounts.length > 0;
  showRelink(accountNeedingRelink(data.accounts));
  calendar?.refetchEvents();
}

setUpSignIn(() => void refresh());
void onChanged(() => void refresh());
void refresh();
