// jianfu: the little behaviour pages need. Everything works without it; it only adds
// confirmations before deleting and the menu toggle on phones.
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener('click', function (e) {
  var t = e.target.closest('.menu-toggle');
  if (!t) { return; }
  var nav = document.getElementById('nav');
  var open = nav.classList.toggle('open');
  t.setAttribute('aria-expanded', open ? 'true' : 'false');
});
