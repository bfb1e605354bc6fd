// The calendar component with the plugins and views Almanac's window loads (ui/src/calendar),
// showing the month the memory benchmark shows, with no events and no other code: the floor
// that a window built on it cannot go below.
import { Calendar } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import multiMonthPlugin from "@fullcalendar/multimonth";
import timeGridPlugin from "@fullcalendar/timegrid";

new Calendar(document.getElementById("calendar"), {
  plugins: [dayGridPlugin, timeGridPlugin, listPlugin, multiMonthPlugin, interactionPlugin],
  initialView: "dayGridMonth",
  height: "100%",
  headerToolbar: { left: "prev,next today", center: "title", right: "multiMonthYear,dayGridMonth,timeGridWeek,timeGridDay,listWeek" },
}).render();
