# The interface text of the website and the API, in English. Every key here has its Welsh in
# locales/cy/main.ftl (a test fails otherwise).

## The frame of every page

service-name = Cancer care for young people
meta-description = Find the nearest cancer centre or unit for teenagers and young adults (TYA) in the UK, with plain-language treatment information, referral guidance and the cancer registry of each nation.
skip-link = Skip to main content
nav-label = Main
nav-find = Find a centre
nav-treatment = About treatment
nav-registries = Cancer registries
nav-referral = For clinicians
footer-guidance = Every entry shows its source and the date we last checked it. Information here is for guidance; your hospital team will tell you what applies to you.
footer-place-names = Place names from
footer-os-data = Postcode district centres contain OS data © Crown copyright and database right 2025 and Royal Mail data © Royal Mail copyright and database right 2025.
footer-api = API for developers
footer-version = Directory version
print-foot = Printed from { $url }. The directory's data was last changed on { $date }; each entry says when it was last checked.
page-failed = Sorry, there is a problem with this service. Try again later.
not-found-title = Page not found
not-found-check = If you typed the web address, check it is correct.
not-found-search = Search for a cancer centre or TYA unit
month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}

## Searching

index-title = Find a cancer centre or TYA unit
index-heading = Find a cancer centre or a unit for teenagers and young adults
index-lead = Search by postcode, town or city to find the nearest NHS cancer centres and teenage and young adult (TYA) cancer units in the UK, with how far they are, who they treat, what they offer and how to contact them.
index-other-help = Other help
index-help-treatment = What happens in treatment for acute lymphoblastic leukaemia (ALL)
index-help-registries = Who records cancer in each UK nation
index-help-referral = For clinicians: where to refer a young person
form-q-label = Postcode, town or city
form-q-hint = For example, LS9 7TF, LS9 or Leeds
form-use-location = Use my location
form-use-location-finding = Finding your location…
form-use-location-failed = We could not get your location. Enter a postcode, town or city instead.
form-kind-legend = What are you looking for?
form-kind-tya = A unit for teenagers and young adults (TYA unit)
form-kind-centre = A cancer centre
form-kind-both = Both
form-within-label = How far are you able to travel?
form-within-any = Any distance
form-within-miles = Within { $miles } miles
form-age-label = Age of the person with cancer (optional)
form-age-hint = TYA units take people of certain ages, usually 16 to 24. We only show places that take this age.
form-search = Search
error-summary-title = There is a problem
error-prefix = Error:
error-q-empty = Enter a postcode, town or city
error-q-too-long = Postcode, town or city must be 100 characters or fewer
error-postcode-invalid = Enter a real postcode, like LS9 7TF
error-postcode-unknown = We can't find the postcode { $postcode }. Check it and try again
error-place-unknown = We can't find a place called { $place }. Enter a postcode, town or city
error-location-outside-uk = Your location seems to be outside the UK. Enter a postcode, town or city
error-kind = Select what you are looking for
error-age = Age must be a whole number from 0 to 120, like 17
error-within = Select how far you are able to travel
error-search-down = Sorry, the search is not working right now. Try again later
results-near = Results near { $place }
heading-tya-near = TYA units near { $place }
heading-centres-near = Cancer centres near { $place }
heading-both-near = Cancer centres and TYA units near { $place }
near-you-at = you ({ $place })
near-your-location = your location
near-in = Your location is in { $place }.
near-about = Your location is about { $km } km ({ $miles } miles) from the centre of { $place }.
change-search = Change search
tya-explained = TYA means teenage and young adult: TYA units are wards and services for young people with cancer, usually aged 16 to 24 (some from 13).
did-you-mean = Did you mean:
did-you-mean-other = Did you mean another place with this name?
nearest-first = Nearest first
treatment-panel-heading = About treatment for acute lymphoblastic leukaemia
search-again = Search again
search-another = Search for another centre

## A centre or unit

field-distance = Distance
field-ages = Ages
field-services = Services
field-phone = Phone
field-website = Website
field-directions = Directions
field-last-checked = Last checked
field-type = Type
field-address = Address
field-run-by = Run by
field-good-to-know = Good to know
field-source = Source
field-not-confirmed = Not yet confirmed
distance-miles-km = { $miles } miles ({ $km } km)
unit-miles = { $miles } miles
ages-range = { $min } to { $max }
website-of = of { $name }, { $hospital }
directions-to = Directions to { $hospital } on OpenStreetMap
directions-osm = Directions on OpenStreetMap
source-link = Where this information comes from
source-short = Source
last-checked = Last checked
not-confirmed-ask = { $fields }: ask the hospital to confirm these.
kind-tya-unit = Unit for teenagers and young adults (TYA unit)
kind-cancer-centre = Cancer centre
family-heading = Getting there and staying nearby
family-english-only = This information is in English only for now.
family-accommodation = Free places to stay
family-parking = Parking
family-transport = By bus or train
family-travel-costs = Help with travel costs
family-not-listed = Anything not listed here we could not confirm from a source; ask the hospital.
fieldname-name = name
fieldname-hospital = hospital
fieldname-organisation = organisation
fieldname-address = address
fieldname-postcode = postcode
fieldname-lat = latitude
fieldname-lon = longitude
fieldname-phone = phone
fieldname-website = website
fieldname-services = services
fieldname-tya-role = TYA role
fieldname-age-min = youngest age
fieldname-age-max = oldest age
fieldname-tct-unit = Teenage Cancer Trust unit
fieldname-value = the number
fieldname-cancer = which cancers it counts
fieldname-period = the years it covers
fieldname-age-band = the ages it covers
service-chemotherapy = chemotherapy
service-radiotherapy = radiotherapy
service-stem-cell-transplant = stem cell (bone marrow) transplant
service-car-t = CAR-T cell therapy
service-proton-beam = proton beam therapy
service-targeted-therapy = targeted drug therapy
service-clinical-trials = clinical trials
service-fertility-preservation = fertility preservation
service-mrd-testing = MRD (residual disease) testing
service-tya-unit = teenage and young adult unit
nation-england = England
nation-scotland = Scotland
nation-wales = Wales
nation-northern-ireland = Northern Ireland

## Maps

map-title-place = Map: { $place }
map-title-results = Map: { $count } { $what } within { $km } km of { $place }
map-what-tya = TYA units
map-what-centres = cancer centres
map-what-places = places
map-what-fit = places that fit
map-locator-title = Map: where { $hospital } is, in { $town }

## Treatment information

treatment-title = Treatment for acute lymphoblastic leukaemia
treatment-heading = Treatment for acute lymphoblastic leukaemia (ALL)
treatment-lead = What to expect, in plain words. Your care team will explain what applies to you.
topic-all = All treatment topics
translation-reviewed = A Welsh-speaking clinician has reviewed this Welsh text.
translation-not-reviewed = This Welsh text has not yet been reviewed by a Welsh-speaking clinician.
translation-missing = There is no Welsh version of this text yet, so it is shown in English.

## Cancer registries

registries-title = Cancer registries of the UK
registries-heading = Who records cancer in the UK
registries-lead = Each of the four UK nations has its own cancer registry. It records every new cancer so that services can be planned and research can find what helps.
registry-run-by = Run by { $organisation }.
registry-website = { $name } website
registry-panel-heading = Who records this cancer
# $code (the nation's code) lets other languages mutate the name; English needs only $nation.
registry-recorded-by = In { $code ->
   *[other] { $nation }
}, cancers are recorded by the
registry-none = We have no registry for this nation in our data.
registry-note-crown-dependency = This postcode is in a Crown Dependency (Guernsey, Jersey or the Isle of Man), which is not part of the UK. Its health service is its own, and no UK nation's cancer registry in our data covers it; results show the nearest UK centres.
registry-note-nation-unknown = The nation of this location is not known, so no registry is shown; each result carries the registry of its own nation.
figures-caption = Figures published for { $nation }
figure-not-confirmed = Not yet confirmed: { $fields }.
figures-what = What
figures-period = Period
figures-number = Number
figures-source-for = for { $what }, { $period }
measure-new-cases-per-year = new diagnoses a year
measure-new-cases-per-day = new diagnoses a day
measure-deaths-per-year = deaths a year
measure-rate-per-100k = new diagnoses a year per 100,000 people
figure-all-ages = all ages
figure-ages = ages { $band }
sex-male = male
sex-female = female
cancer-all = all cancers
cancer-all-excl-nmsc = all cancers except non-melanoma skin cancer
cancer-all-leukaemia = acute lymphoblastic leukaemia
cancer-leukaemia = leukaemia
figure-missing-all = We have no published figure for all cancers in { $nation }.
figure-missing-cancer = We have no published figure for { $cancer } in { $nation }.
figure-missing-age = We have no published figure for people aged { $age } in { $nation }.

## Referral guidance

referral-heading = Where to refer a young person with cancer
referral-lead = For clinicians and families: the published rules of each UK nation for where children, teenagers and young adults with cancer should be treated, and the nearest places that fit.
referral-q-label = Patient's postcode, town or city
referral-q-hint = For example, BT9 7AB or Cardiff
referral-age-label = Age in years
referral-submit = Show guidance
referral-guidance-for = Guidance for age { $age } near { $place }
referral-rule-for = Rule for { $nation }, ages { $min } to { $max }.
referral-source = Source:
referral-not-confirmed = Not confirmed by the source: { $fields }.
referral-nearest = Nearest places that fit
error-patient-q-empty = Enter the patient's postcode, town or city
error-age-empty = Enter the young person's age
referral-disclaimer = This is guidance from published NHS service specifications and the pages cited, not a clinical decision. The young person's hospital team decides where they are treated, and local arrangements differ; check with the team before making a referral.
setting-childrens-ptc = a children's cancer principal treatment centre
setting-tya-ptc = a teenage and young adult principal treatment centre
setting-tya-ptc-or-designated = a teenage and young adult principal treatment centre or a TYA designated hospital, by choice
setting-adult-cancer-centre = an adult cancer centre
role-childrens-ptc = Children's principal treatment centre
role-tya-ptc = TYA principal treatment centre
role-tya-designated = TYA designated hospital
role-tya-unit = TYA unit (its formal role is not stated in our sources)
role-adult-cancer-centre = Adult cancer centre
referral-note-nation-from-areas = The nation was taken from the postcode areas around this point, which can be wrong close to a border; search by postcode to be sure.
referral-note-nation-from-nearest-area = The nation was taken from the nearest postcode area, which can be wrong close to a border; search by postcode to be sure.
referral-note-crown-dependency = Guernsey, Jersey and the Isle of Man run their own health services; referrals to UK centres are arranged by the island's hospital team. The places below follow the pattern used in England.
referral-note-no-rule = We have no referral rule for age { $age } in { $nation }.
referral-note-no-nation = We could not tell which UK nation this is, so no referral rule applies; the nearest places that take this age are shown.
referral-note-other-nation = The nearest place that fits is in { $there }, not { $here }; services are organised by each nation, so ask the team which centre serves this area.
referral-note-shared-care = Part of a child's care can often be given at a shared care unit nearer home, agreed with the principal treatment centre.
referral-note-none-fits = No place in our directory fits { $setting } for age { $age }.

## Notes about a location

note-point-nation = the nation is that of every postcode area around this point; search by postcode to be sure close to a border
note-online-unavailable = the online geocoder was unavailable, so the location is approximate
note-district-typical-error = typically within about 2 km in a town, more in the country
note-terminated-shown = this postcode is no longer in use{ $since }; its last known location is shown
note-terminated-unlocated = this postcode is no longer in use{ $since } and has no last known location
since-year = {" "}(since { $year })
note-unlocated = the online geocoder knows this postcode but has no position for it
note-area-centre-approximate = the centre of the { $area } postcode area ({ $name }); approximate
note-area-centre-used = the centre of the { $area } postcode area ({ $name }) is used
note-area-only = located only to the { $area } postcode area ({ $name }), so distances are approximate (within about 20-40 km)
note-non-geographic-area = { $outcode } is a non-geographic postcode district (PO boxes and large organisations), so it has no place of its own; { $note }
note-area-also-in = ; this area also has postcodes in { $nations }, so the nation shown is the area's main one
note-not-in-table = this postcode is not in the postcode table; the centre of the { $outcode } district is used
note-district-for-postcode = located to the centre of the { $outcode } postcode district{ $town }, as the postcode itself is not in our tables; { $error }
note-district-for-sector = located to the centre of the { $outcode } postcode district{ $town }
note-non-geographic-district = a non-geographic district (PO boxes and large organisations)
note-centres-middle = the middle of the centres we list in { $town }
note-qualifier-unmatched = we don't know a { $place } in '{ $qualifier }', so the largest place of that name is shown
note-ambiguous-place = there is more than one place called { $name }: this is { $place }; the others are listed in alternatives
nearest-none-within = No centres match within { $km } km ({ $miles } miles). Try a larger distance or fewer filters.
nearest-none = No centres match these filters. Try fewer filters.
or-separator = {" "}or{" "}
and-separator = {" "}and{" "}

## Problems the API reports

problem-bad-request = Bad request
problem-not-found = Not found
problem-method-not-allowed = Method not allowed
problem-unprocessable = The file is not valid
problem-conflict = Conflict
problem-unauthorized = Unauthorized
problem-payload-too-large = Payload too large
problem-unsupported-media-type = Unsupported media type
problem-uri-too-long = URI too long
problem-unavailable = Service unavailable
problem-internal = Internal server error
problem-internal-detail = Something went wrong on our side; please try again later.
problem-unavailable-detail = the service is not ready: { $reason }
error-unknown-place = we can't find a place called '{ $place }'{ $did_you_mean }; try a postcode, an outcode such as LS9, or a town
did-you-mean-list = {" "}(did you mean { $places }?)
error-postcode-area-unknown = we can't find the postcode '{ $postcode }': '{ $area }' is not a UK postcode area. Check it and try again
error-postcode-unknown-try-area = we can't find the postcode '{ $postcode }'. Check it and try again, or search by the area { $area } ({ $name }) instead
error-postcode-offer = {" "}The nearest answer we can give is the { $area } area ({ $lat }, { $lon }): search with postcode={ $area } for it.
error-vocabulary = unknown { $what } '{ $value }'; allowed: { $allowed }
error-age-out-of-range = age { $age } is out of range; allowed: a whole number of years from 0 to { $oldest }
error-age-not-a-number = '{ $value }' is not an age; allowed: a whole number of years from 0 to { $oldest }
error-lat-outside = latitude { $lat } is outside the UK; allowed: { $lo } to { $hi }
error-lon-outside = longitude { $lon } is outside the UK; allowed: { $lo } to { $hi }
error-degrees = '{ $value }' is not a { $what }; allowed: a decimal number of degrees
error-unknown-parameter = unknown parameter '{ $name }'; allowed: { $allowed }
error-repeated-parameter = parameter '{ $name }' is given more than once; give it once
error-query-unreadable = the query string cannot be read: { $reason }
error-empty-parameter = { $name } is empty; give a value or leave it out
error-integer = { $name } '{ $value }' is not allowed; allowed: a whole number from { $min } to { $max }
error-number = { $name } '{ $value }' is not a number
error-location-missing = give a location: postcode (e.g. LS9 7TF or LS9), q (a postcode or a town), or lat and lon
error-location-twice = give only one location: postcode, q, or lat and lon
error-postcode-not-uk = postcode '{ $postcode }' is not a UK postcode; give a full postcode (LS9 7TF), an outcode (LS9) or an area (LS)
error-q-too-long-api = q is longer than { $max } characters
error-lat-lon-missing = { $name } is missing; give both lat and lon
error-max-km = max_km { $value } is not allowed; allowed: more than 0 and up to { $max }
error-format = format '{ $value }' is not supported; allowed: json, geojson, svg
error-nothing-here = there is nothing at { $path }; see /docs for the API
problem-too-many-requests = Too many requests
problem-too-many-requests-detail = too many requests from this address; try again in { $wait } s
statistics-none = We have no published figures for { $nation } that match these filters.

## FHIR and Open Referral UK answers

fhir-kind-tya = Teenage and young adult (TYA) cancer unit
fhir-ages = Ages { $min } to { $max }
fhir-ages-comment = Takes people aged { $min } to { $max } years.
fhir-no-ages = No age range recorded
fhir-no-ages-adult = Adult cancer services; the directory records no age limit.
fhir-no-ages-tya = The directory records no age range.
oruk-kind-tya = Teenage and young adult cancer unit
oruk-kind-tya-about = A ward or service for teenagers and young adults with cancer, usually aged 16 to 24.
oruk-kind-centre-about = A hospital site that treats cancer with chemotherapy, radiotherapy or both.
oruk-ages = People aged { $min } to { $max }.
oruk-no-ages = No age range is recorded for this service.
oruk-a-tya-unit = A unit for teenagers and young adults with cancer
oruk-a-cancer-centre = A cancer centre
oruk-description = { $kind } at { $hospital }, { $town }. It offers { $offers }.
oruk-phone = Main number (switchboard or unit)

## More problems the API reports

error-list-format = format '{ $value }' is not supported; allowed: json, csv, geojson
error-no-centre = no centre has the id '{ $id }'
error-no-registry = no registry is loaded for { $nation }
error-no-topic = no treatment topic has the slug '{ $slug }'
error-shape = { $name }: '{ $value }' is not { $what }
shape-age-band = an age band; allowed: all_ages, a range such as 15-24, or 85+
shape-period = a period; allowed: a year such as 2022 or a range such as 2013-2017
error-places-q-missing = q is missing; give the start of a place name, e.g. q=lough
error-places-q-too-long = q is longer than 100 characters; give the start of a place name
error-referral-age-missing = age is missing; give the young person's age in whole years (0 to 120)
error-bulk-body = the body is not a bulk request: { $reason }; expected {"{"}"locations": [{"{"}"id": "r1", "postcode": "LS9 7TF"{"}"}, ...], "kind": ..., "age": ..., "limit": ...{"}"}
error-bulk-empty = locations is empty; give 1 to 100 locations
error-bulk-too-many = { $sent } locations were sent; at most { $max } are answered in one request: split the list
error-bulk-id = locations[{ $at }].id is not text or a whole number
error-whole-number = { $name } { $value } is not allowed; allowed: a whole number from { $min } to { $max }

## FHIR problems (OperationOutcome diagnostics)

fhir-format = _format '{ $value }' is not supported; this server speaks JSON only (application/fhir+json)
fhir-accept = this server answers application/fhir+json only
fhir-unknown-id = { $resource }/{ $id } is not known
fhir-unknown-type = resource type '{ $name }' is not supported; supported: HealthcareService, Location, Organization
fhir-not-whole = { $name } '{ $value }' is not a whole number of 0 or more
fhir-include = _include '{ $value }' is not supported; supported: HealthcareService:location
fhir-unknown-parameter = unknown search parameter '{ $name }' for { $resource }; supported: { $known }, and _count, _offset{ $include }
fhir-near = { $name } '{ $value }': { $why }; expected latitude|longitude|distance|unit, e.g. 53.8|-1.55|25|km
fhir-near-parts = give two to four parts separated by |
fhir-near-lat = the latitude is not a number
fhir-near-lon = the longitude is not a number
fhir-near-unit = unit '{ $unit }' is not supported; use km or [mi_i]
fhir-near-distance = the distance is not a number of 0 or more
