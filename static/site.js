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
  // The words come from the page, in its language.
  var label = button.textContent;
  button.addEventListener('click', function () {
    button.disabled = true;
    button.textContent = button.getAttribute('data-finding');
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById('lat').value = pos.coords.latitude.toFixed(5);
      document.getElementById('lon').value = pos.coords.longitude.toFixed(5);
      document.getElementById('q').value = '';
      button.form.submit();
    }, function () {
      button.disabled = false;
      button.textContent = label;
      var hint = document.getElementById('q-hint');
      if (hint) hint.textContent = button.getAttribute('data-failed');
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
// 3. Place suggestions: as a town's name is typed, the search box offers the places whose
//    name (or Welsh, Gaelic or Irish name) starts with it, from this site's /api/v1/places.
//    A plain <datalist>, so the browser presents it accessibly; without this script the box
//    is an ordinary text field and the search understands the same names.
(function () {
  var input = document.getElementById('q');
  if (!input || !window.fetch) return;
  var list = document.createElement('datalist');
  list.id = 'place-suggestions';
  input.parentNode.appendChild(list);
  input.setAttribute('list', list.id);
  var timer = null;
  var asked = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    var text = input.value.trim();
    // Postcodes (they have digits) and very short text get no suggestions.
    if (text.length < 2 || /\d/.test(text) || text === asked) return;
    timer = setTimeout(function () {
      asked = text;
      fetch('/api/v1/places?limit=8&q=' + encodeURIComponent(text), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { places: [] }; })
        .then(function (answer) {
          if (input.value.trim() !== text) return;
          list.textContent = '';
          answer.places.forEach(function (p) {
            var option = document.createElement('option');
            // The name as typed when it is one of the place's other names (Wrecsam).
            var name = p.matched_name || p.name;
            option.value = p.county && p.county !== p.name ? name + ', ' + p.county : name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
