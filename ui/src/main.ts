/** Almanac's window: the calendar behind, the sign-in form in front until an account exists. */
import "./styles/app.css";
import { mountCalendar } from "./calendar/view";
import { setUpSignIn } from "./signin/form";

const calendarElement = document.getElementById("calendar");
if (calendarElement) mountCalendar(calendarElement, navigator.language || "en-US");
setUpSignIn();
