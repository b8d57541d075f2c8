// Small enhancements; every page works without them.
// 1. When a form comes back with problems, move focus to the error summary so screen reader
//    and keyboard users hear and reach it first.
// 2. "Use my location": the browser's location (after the user agrees) fills lat and lon and
//    the form is sent. The location goes only to this site's own search.
(function () {
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
(function () {
  var wrapper = document.querySelector('.use-location');
  var button = document.getElementById('use-location');
  if (!wrapper || !button || !navigator.geolocation) return;
  wrapper.hidden = false;
  button.addEventListener('click', function () {
    button.disabled = true;
    button.textContent = 'Finding your location…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById('lat').value = pos.coords.latitude.toFixed(5);
      document.getElementById('lon').value = pos.coords.longitude.toFixed(5);
      document.getElementById('q').value = '';
      button.form.submit();
    }, function () {
      button.disabled = false;
      button.textContent = 'Use my location';
      var hint = document.getElementById('q-hint');
      if (hint) hint.textContent = 'We could not get your location. Enter a postcode, town or city instead.';
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
