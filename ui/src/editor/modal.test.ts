import { describe, expect, it } from "vitest";
import { placeBeside } from "./modal";

const view = { width: 1200, height: 800 };
const size = { width: 320, height: 240 };

describe("where the popover goes", () => {
  it("to the right of the slot where there is room", () => {
    expect(placeBeside({ left: 400, top: 300, width: 100, height: 40 }, size, view)).toEqual({ left: 510, top: 300 });
  });

  it("to its left near the window's right edge", () => {
    expect(placeBeside({ left: 1000, top: 300, width: 100, height: 40 }, size, view)).toEqual({ left: 670, top: 300 });
  });

  it("below a slot as wide as the window, and always inside it", () => {
    expect(placeBeside({ left: 20, top: 700, width: 1160, height: 40 }, size, view)).toEqual({ left: 20, top: 548 });
  });

  it("centred near the top without a slot", () => {
    expect(placeBeside(null, size, view)).toEqual({ left: 440, top: 96 });
  });
});
