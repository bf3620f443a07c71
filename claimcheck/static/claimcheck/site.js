// Progressive enhancement only: every page works the same without this file, which the
// Content Security Policy allows because it is served from our own origin (no inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // After a form's answer is rendered (the copy checker), put focus on the answer, as the
  // element's autofocus attribute already does in browsers that honour it.
  const answer = document.querySelector("[data-focus-on-load]");
  if (answer && document.activeElement !== answer) {
    answer.focus();
  }

  // "Copy link" buttons: copy the address given in data-copy-link and say so in the
  // button's live status; without the Clipboard API the button stays hidden.
  document.querySelectorAll("[data-copy-link]").forEach((button) => {
    if (!navigator.clipboard) {
      return;
    }
    const status = document.getElementById(button.getAttribute("aria-describedby"));
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(button.dataset.copyLink).then(
        () => { if (status) { status.textContent = "Link copied."; } },
        () => { if (status) { status.textContent = "Could not copy: select the address instead."; } },
      );
    });
  });
});
