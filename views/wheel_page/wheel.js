/* Hovering or focusing a mark lights its line in the list and the other way round. The
   ring works without it: each mark links to its line. Served without this comment. */
(function () {
  function light(number, on) {
    document.querySelectorAll('[data-entry="' + number + '"]').forEach(function (el) {
      el.classList.toggle('hot', on);
    });
  }
  document.querySelectorAll('[data-entry]').forEach(function (el) {
    var number = el.getAttribute('data-entry');
    el.addEventListener('mouseenter', function () { light(number, true); });
    el.addEventListener('mouseleave', function () { light(number, false); });
    el.addEventListener('focus', function () { light(number, true); });
    el.addEventListener('blur', function () { light(number, false); });
  });
})();
