import { describe, expect, it, vi } from "vitest";
import { guardNavigation, linkPieces, linkifiedText, webLink } from "./links";

describe("webLink", () => {
  it("accepts web links only", () => {
    expect(webLink("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(webLink(" http://example.com ")).toBe("http://example.com/");
    for (const bad of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "example.com", ""]) {
      expect(webLink(bad)).toBeNull();
    }
  });
});

describe("linkPieces", () => {
  it("finds web links and leaves everything else as text", () => {
    expect(linkPieces("Agenda at https://example.com/agenda?week=49&lang=en, minutes after. Do not open javascript:alert(3).")).toEqual([
      { text: "Agenda at " },
      { url: "https://example.com/agenda?week=49&lang=en" },
      { text: ", minutes after. Do not open javascript:alert(3)." },
    ]);
  });

  it("keeps brackets that belong to the URL and drops those that close the sentence", () => {
    expect(linkPieces("(see https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      { text: "(see " },
      { url: "https://en.wikipedia.org/wiki/Foo_(bar)" },
      { text: ")" },
    ]);
  });

  it("does not take a link out of markup", () => {
    const pieces = linkPieces('<a href="javascript:alert(4)">x</a> <a href="https://ok.example/">y</a>');
    expect(pieces.filter((p) => "url" in p)).toEqual([{ url: "https://ok.example/" }]);
  });
});

describe("linkifiedText", () => {
  it("makes only web links clickable and opens them through the shell", () => {
    const root = document.createElement("div");
    const open = vi.fn();
    root.append(linkifiedText("<script>alert(1)</script> javascript:alert(3) https://example.com/x", open));
    expect(root.querySelector("script")).toBeNull();
    const links = root.querySelectorAll("a");
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute("href")).toBe("https://example.com/x");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    links[0]?.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith("https://example.com/x");
    expect(root.textContent).toBe("<script>alert(1)</script> javascript:alert(3) https://example.com/x");
  });
});

describe("guardNavigation", () => {
  it("cancels clicks on links no handler took", () => {
    guardNavigation(document);
    const a = document.body.appendChild(document.createElement("a"));
    a.href = "https://example.com/";
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    a.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
  });
});
