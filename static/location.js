// "Use my location": a small enhancement. Without JavaScript the search works by postcode,
// town or city; with it, the browser's location (after the user agrees) fills lat and lon and
// the form is sent. The location goes only to this site's own search.
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
