// The page works without this script; it only saves a click or a keystroke.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.search');
  if (!form) return;
  // Switching between articles and quotes, or the sort order, re-runs the search at once.
  form.querySelectorAll('input[name=mode], select[name=sort]').forEach((el) => {
    el.addEventListener('change', () => form.requestSubmit());
  });
  // "/" focuses the search box, as on most search sites.
  const box = form.querySelector('input[name=q]');
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== box && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });
});
