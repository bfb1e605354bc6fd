/** Almanac's window: the calendar behind, the sign-in form in front until an account exists. */
import "./styles/app.css";
import { pickLocale } from "./calendar/locale";
import { mountCalendar } from "./calendar/view";
import { setUpSignIn } from "./signin/form";

const calendarElement = document.getElementById("calendar");
if (calendarElement) mountCalendar(calendarElement, pickLocale(navigator.languages));
setUpSignIn();
