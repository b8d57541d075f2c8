# Testun rhyngwyneb y wefan a'r API, yn Gymraeg. Mae gan bob allwedd yma ei Saesneg yn
# locales/en-GB/main.ftl (mae prawf yn methu fel arall). Nid yw'r testun hwn wedi'i adolygu eto
# gan glinigydd sy'n siarad Cymraeg.

## Ffrâm pob tudalen

service-name = Gofal canser i bobl ifanc
meta-description = Dewch o hyd i'r ganolfan ganser agosaf neu'r uned agosaf i bobl ifanc yn eu harddegau ac oedolion ifanc (TYA) yn y DU, gyda gwybodaeth am driniaeth mewn geiriau syml, canllawiau atgyfeirio a chofrestrfa ganser pob gwlad.
skip-link = Neidio i'r prif gynnwys
nav-label = Prif ddewislen
nav-find = Dod o hyd i ganolfan
nav-treatment = Am driniaeth
nav-registries = Cofrestrfeydd canser
nav-referral = I glinigwyr
footer-guidance = Mae pob cofnod yn dangos ei ffynhonnell a'r dyddiad y gwnaethom ei wirio ddiwethaf. Canllaw yw'r wybodaeth yma; bydd tîm eich ysbyty yn dweud wrthych chi beth sy'n berthnasol i chi.
footer-place-names = Enwau lleoedd gan
footer-os-data = Mae canolbwyntiau ardaloedd cod post yn cynnwys data OS © Hawlfraint y Goron a hawl cronfa ddata 2025 a data'r Post Brenhinol © Hawlfraint y Post Brenhinol a hawl cronfa ddata 2025.
footer-api = API i ddatblygwyr
footer-version = Fersiwn y cyfeiriadur
print-foot = Argraffwyd o { $url }. Newidiwyd data'r cyfeiriadur ddiwethaf ar { $date }; mae pob cofnod yn dweud pryd y cafodd ei wirio ddiwethaf.
page-failed = Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth hwn. Rhowch gynnig arall arni nes ymlaen.
not-found-title = Heb ddod o hyd i'r dudalen
not-found-check = Os teipioch chi'r cyfeiriad gwe, gwiriwch ei fod yn gywir.
not-found-search = Chwilio am ganolfan ganser neu uned TYA
month = { $month ->
    [1] Ionawr
    [2] Chwefror
    [3] Mawrth
    [4] Ebrill
    [5] Mai
    [6] Mehefin
    [7] Gorffennaf
    [8] Awst
    [9] Medi
    [10] Hydref
    [11] Tachwedd
   *[12] Rhagfyr
}

## Chwilio

index-title = Dod o hyd i ganolfan ganser neu uned TYA
index-heading = Dod o hyd i ganolfan ganser neu uned i bobl ifanc yn eu harddegau ac oedolion ifanc
index-lead = Chwiliwch yn ôl cod post, tref neu ddinas i ddod o hyd i'r canolfannau canser GIG a'r unedau canser i bobl ifanc yn eu harddegau ac oedolion ifanc (TYA) agosaf yn y DU, gyda pha mor bell ydyn nhw, pwy maen nhw'n eu trin, beth maen nhw'n ei gynnig a sut i gysylltu â nhw.
index-other-help = Help arall
index-help-treatment = Beth sy'n digwydd wrth drin lewcemia lymffoblastig acíwt (ALL)
index-help-registries = Pwy sy'n cofnodi canser ym mhob un o wledydd y DU
index-help-referral = I glinigwyr: ble i atgyfeirio person ifanc
form-q-label = Cod post, tref neu ddinas
form-q-hint = Er enghraifft, CF14 2TL, CF14 neu Caerdydd
form-use-location = Defnyddio fy lleoliad
form-use-location-finding = Wrthi'n dod o hyd i'ch lleoliad…
form-use-location-failed = Nid oeddem yn gallu cael eich lleoliad. Rhowch god post, tref neu ddinas yn lle hynny.
form-kind-legend = Am beth ydych chi'n chwilio?
form-kind-tya = Uned i bobl ifanc yn eu harddegau ac oedolion ifanc (uned TYA)
form-kind-centre = Canolfan ganser
form-kind-both = Y ddau
form-within-label = Pa mor bell allwch chi deithio?
form-within-any = Unrhyw bellter
form-within-miles = O fewn { $miles } milltir
form-age-label = Oed y person sydd â chanser (dewisol)
form-age-hint = Mae unedau TYA yn derbyn pobl o oedrannau penodol, fel arfer 16 i 24 oed. Dim ond lleoedd sy'n derbyn yr oed hwn rydyn ni'n eu dangos.
form-search = Chwilio
error-summary-title = Mae problem
error-prefix = Gwall:
error-q-empty = Rhowch god post, tref neu ddinas
error-q-too-long = Rhaid i'r cod post, y dref neu'r ddinas fod yn 100 nod neu lai
error-postcode-invalid = Rhowch god post go iawn, fel CF14 2TL
error-postcode-unknown = Ni allwn ddod o hyd i'r cod post { $postcode }. Gwiriwch ef a rhowch gynnig arall arni
error-place-unknown = Ni allwn ddod o hyd i le o'r enw { $place }. Rhowch god post, tref neu ddinas
error-location-outside-uk = Mae'n ymddangos bod eich lleoliad y tu allan i'r DU. Rhowch god post, tref neu ddinas
error-kind = Dewiswch am beth rydych chi'n chwilio
error-age = Rhaid i'r oed fod yn rhif cyfan o 0 i 120, fel 17
error-within = Dewiswch pa mor bell allwch chi deithio
error-search-down = Mae'n ddrwg gennym, nid yw'r chwilio'n gweithio ar hyn o bryd. Rhowch gynnig arall arni nes ymlaen
results-near = Canlyniadau ger { $place }
heading-tya-near = Unedau TYA ger { $place }
heading-centres-near = Canolfannau canser ger { $place }
heading-both-near = Canolfannau canser ac unedau TYA ger { $place }
near-you-at = chi ({ $place })
near-your-location = eich lleoliad
near-in = Mae eich lleoliad yn { $place }.
near-about = Mae eich lleoliad tua { $km } km ({ $miles } milltir) o ganol { $place }.
change-search = Newid y chwilio
tya-explained = Ystyr TYA yw pobl ifanc yn eu harddegau ac oedolion ifanc (teenage and young adult): wardiau a gwasanaethau i bobl ifanc sydd â chanser yw unedau TYA, fel arfer rhwng 16 a 24 oed (rhai o 13 oed).
did-you-mean = Oeddech chi'n golygu:
did-you-mean-other = Oeddech chi'n golygu lle arall gyda'r enw hwn?
nearest-first = Yr agosaf yn gyntaf
treatment-panel-heading = Am driniaeth ar gyfer lewcemia lymffoblastig acíwt
search-again = Chwilio eto
search-another = Chwilio am ganolfan arall

## Canolfan neu uned

field-distance = Pellter
field-ages = Oedrannau
field-services = Gwasanaethau
field-phone = Ffôn
field-website = Gwefan
field-directions = Cyfarwyddiadau
field-last-checked = Gwiriwyd ddiwethaf
field-type = Math
field-address = Cyfeiriad
field-run-by = Yn cael ei rhedeg gan
field-good-to-know = Da gwybod
field-source = Ffynhonnell
field-not-confirmed = Heb ei gadarnhau eto
distance-miles-km = { $miles } milltir ({ $km } km)
unit-miles = { $miles } milltir
ages-range = { $min } i { $max }
website-of = { $name }, { $hospital }
directions-to = Cyfarwyddiadau i { $hospital } ar OpenStreetMap
directions-osm = Cyfarwyddiadau ar OpenStreetMap
source-link = O ble mae'r wybodaeth hon yn dod
source-short = Ffynhonnell
last-checked = Gwiriwyd ddiwethaf
not-confirmed-ask = { $fields }: gofynnwch i'r ysbyty gadarnhau'r rhain.
kind-tya-unit = Uned i bobl ifanc yn eu harddegau ac oedolion ifanc (uned TYA)
kind-cancer-centre = Canolfan ganser
family-heading = Cyrraedd yno ac aros gerllaw
family-english-only = Dim ond yn Saesneg y mae'r wybodaeth hon ar gael ar hyn o bryd.
family-accommodation = Llety am ddim
family-parking = Parcio
family-transport = Ar fws neu drên
family-travel-costs = Help gyda chostau teithio
family-not-listed = Nid oeddem yn gallu cadarnhau unrhyw beth nad yw wedi'i restru yma o ffynhonnell; gofynnwch i'r ysbyty.
fieldname-name = enw
fieldname-hospital = ysbyty
fieldname-organisation = sefydliad
fieldname-address = cyfeiriad
fieldname-postcode = cod post
fieldname-lat = lledred
fieldname-lon = hydred
fieldname-phone = ffôn
fieldname-website = gwefan
fieldname-services = gwasanaethau
fieldname-tya-role = rôl TYA
fieldname-age-min = yr oed ieuengaf
fieldname-age-max = yr oed hynaf
fieldname-tct-unit = uned Teenage Cancer Trust
fieldname-value = y nifer
fieldname-cancer = pa ganserau y mae'n eu cyfrif
fieldname-period = y blynyddoedd y mae'n eu cwmpasu
fieldname-age-band = yr oedrannau y mae'n eu cwmpasu
service-chemotherapy = cemotherapi
service-radiotherapy = radiotherapi
service-stem-cell-transplant = trawsblaniad bôn-gelloedd (mêr esgyrn)
service-car-t = therapi celloedd CAR-T
service-proton-beam = therapi pelydr proton
service-targeted-therapy = therapi cyffuriau wedi'i thargedu
service-clinical-trials = treialon clinigol
service-fertility-preservation = diogelu ffrwythlondeb
service-mrd-testing = profion MRD (clefyd gweddilliol)
service-tya-unit = uned i bobl ifanc yn eu harddegau ac oedolion ifanc
nation-england = Lloegr
nation-scotland = Yr Alban
nation-wales = Cymru
nation-northern-ireland = Gogledd Iwerddon

## Mapiau

map-title-place = Map: { $place }
map-title-results = Map: { $count } { $what } o fewn { $km } km i { $place }
map-what-tya = uned TYA
map-what-centres = canolfan ganser
map-what-places = lle
map-what-fit = lle addas
map-locator-title = Map: lle mae { $hospital }, { $town }

## Gwybodaeth am driniaeth

treatment-title = Triniaeth ar gyfer lewcemia lymffoblastig acíwt
treatment-heading = Triniaeth ar gyfer lewcemia lymffoblastig acíwt (ALL)
treatment-lead = Beth i'w ddisgwyl, mewn geiriau syml. Bydd eich tîm gofal yn esbonio beth sy'n berthnasol i chi.
topic-all = Pob pwnc triniaeth
translation-reviewed = Mae clinigydd sy'n siarad Cymraeg wedi adolygu'r testun Cymraeg hwn.
translation-not-reviewed = Nid yw'r testun Cymraeg hwn wedi'i adolygu eto gan glinigydd sy'n siarad Cymraeg.
translation-missing = Nid oes fersiwn Gymraeg o'r testun hwn eto, felly mae'n cael ei ddangos yn Saesneg.

## Cofrestrfeydd canser

registries-title = Cofrestrfeydd canser y DU
registries-heading = Pwy sy'n cofnodi canser yn y DU
registries-lead = Mae gan bob un o bedair gwlad y DU ei chofrestrfa ganser ei hun. Mae'n cofnodi pob canser newydd er mwyn gallu cynllunio gwasanaethau ac er mwyn i ymchwil ddarganfod beth sy'n helpu.
registry-run-by = Yn cael ei rhedeg gan { $organisation }.
registry-website = Gwefan { $name }
registry-panel-heading = Pwy sy'n cofnodi'r canser hwn
registry-recorded-by = { $code ->
    [wales] Yng Nghymru
    [england] Yn Lloegr
    [scotland] Yn yr Alban
    [northern_ireland] Yng Ngogledd Iwerddon
   *[other] Yn { $nation }
}, y corff sy'n cofnodi canserau yw
registry-none = Nid oes gennym gofrestrfa ar gyfer y wlad hon yn ein data.
registry-note-crown-dependency = Mae'r cod post hwn yn un o Diriogaethau Dibynnol y Goron (Guernsey, Jersey neu Ynys Manaw), nad ydynt yn rhan o'r DU. Mae ganddynt eu gwasanaeth iechyd eu hunain, ac nid oes cofrestrfa ganser un o wledydd y DU yn ein data yn eu cwmpasu; mae'r canlyniadau'n dangos y canolfannau agosaf yn y DU.
registry-note-nation-unknown = Nid ydym yn gwybod ym mha wlad mae'r lleoliad hwn, felly ni ddangosir cofrestrfa; mae pob canlyniad yn dangos cofrestrfa ei wlad ei hun.
figures-caption = Ffigurau a gyhoeddwyd ar gyfer { $nation }
figure-not-confirmed = Heb ei gadarnhau eto: { $fields }.
figures-what = Beth
figures-period = Cyfnod
figures-number = Nifer
figures-source-for = ar gyfer { $what }, { $period }
measure-new-cases-per-year = diagnosis newydd y flwyddyn
measure-new-cases-per-day = diagnosis newydd y dydd
measure-deaths-per-year = marwolaeth y flwyddyn
measure-rate-per-100k = diagnosis newydd y flwyddyn fesul 100,000 o bobl
figure-all-ages = pob oed
figure-ages = oedran { $band }
sex-male = gwrywod
sex-female = benywod
cancer-all = pob canser
cancer-all-excl-nmsc = pob canser ac eithrio canser y croen nad yw'n felanoma
cancer-all-leukaemia = lewcemia lymffoblastig acíwt
cancer-leukaemia = lewcemia
figure-missing-all = Nid oes gennym ffigur cyhoeddedig am bob canser ar gyfer { $nation }.
figure-missing-cancer = Nid oes gennym ffigur cyhoeddedig am { $cancer } ar gyfer { $nation }.
figure-missing-age = Nid oes gennym ffigur cyhoeddedig am bobl { $age } oed ar gyfer { $nation }.

## Canllawiau atgyfeirio

referral-heading = Ble i atgyfeirio person ifanc sydd â chanser
referral-lead = I glinigwyr a theuluoedd: rheolau cyhoeddedig pob un o wledydd y DU ynghylch ble y dylai plant, pobl ifanc yn eu harddegau ac oedolion ifanc sydd â chanser gael eu trin, a'r lleoedd agosaf sy'n addas.
referral-q-label = Cod post, tref neu ddinas y claf
referral-q-hint = Er enghraifft, BT9 7AB neu Caerdydd
referral-age-label = Oed mewn blynyddoedd
referral-submit = Dangos y canllawiau
referral-guidance-for = Canllawiau ar gyfer person { $age } oed ger { $place }
referral-rule-for = Rheol ar gyfer { $nation }, { $min } i { $max } oed.
referral-source = Ffynhonnell:
referral-not-confirmed = Heb ei gadarnhau gan y ffynhonnell: { $fields }.
referral-nearest = Y lleoedd agosaf sy'n addas
error-patient-q-empty = Rhowch god post, tref neu ddinas y claf
error-age-empty = Rhowch oed y person ifanc
referral-disclaimer = Canllawiau yw'r rhain, o fanylebau gwasanaeth cyhoeddedig y GIG a'r tudalennau a ddyfynnir, nid penderfyniad clinigol. Tîm ysbyty'r person ifanc sy'n penderfynu ble mae'n cael ei drin, ac mae trefniadau lleol yn amrywio; holwch y tîm cyn gwneud atgyfeiriad.
setting-childrens-ptc = prif ganolfan driniaeth canser plant
setting-tya-ptc = prif ganolfan driniaeth ar gyfer pobl ifanc yn eu harddegau ac oedolion ifanc
setting-tya-ptc-or-designated = prif ganolfan driniaeth ar gyfer pobl ifanc yn eu harddegau ac oedolion ifanc neu ysbyty TYA dynodedig, yn ôl dewis
setting-adult-cancer-centre = canolfan ganser i oedolion
role-childrens-ptc = Prif ganolfan driniaeth plant
role-tya-ptc = Prif ganolfan driniaeth TYA
role-tya-designated = Ysbyty TYA dynodedig
role-tya-unit = Uned TYA (nid yw ein ffynonellau'n nodi ei rôl ffurfiol)
role-adult-cancer-centre = Canolfan ganser i oedolion
referral-note-nation-from-areas = Cymerwyd y wlad o'r ardaloedd cod post o amgylch y pwynt hwn, a allai fod yn anghywir yn agos at ffin; chwiliwch yn ôl cod post i fod yn siŵr.
referral-note-nation-from-nearest-area = Cymerwyd y wlad o'r ardal cod post agosaf, a allai fod yn anghywir yn agos at ffin; chwiliwch yn ôl cod post i fod yn siŵr.
referral-note-crown-dependency = Mae gan Guernsey, Jersey ac Ynys Manaw eu gwasanaethau iechyd eu hunain; tîm ysbyty'r ynys sy'n trefnu atgyfeiriadau i ganolfannau yn y DU. Mae'r lleoedd isod yn dilyn y patrwm a ddefnyddir yn Lloegr.
referral-note-no-rule = Nid oes gennym reol atgyfeirio ar gyfer pobl { $age } oed ar gyfer { $nation }.
referral-note-no-nation = Nid oeddem yn gallu dweud pa un o wledydd y DU yw hon, felly nid oes rheol atgyfeirio'n berthnasol; dangosir y lleoedd agosaf sy'n derbyn yr oed hwn.
referral-note-other-nation = Mae'r lle agosaf sy'n addas mewn gwlad arall ({ $there }, nid { $here }); mae gwasanaethau'n cael eu trefnu gan bob gwlad, felly gofynnwch i'r tîm pa ganolfan sy'n gwasanaethu'r ardal hon.
referral-note-shared-care = Yn aml, gellir rhoi rhan o ofal plentyn mewn uned gofal a rennir yn nes at adref, wedi'i gytuno â'r brif ganolfan driniaeth.
referral-note-none-fits = Nid oes lle yn ein cyfeiriadur sy'n addas fel { $setting } i berson { $age } oed.

## Nodiadau am leoliad

note-point-nation = y wlad yw gwlad pob ardal cod post o amgylch y pwynt hwn; chwiliwch yn ôl cod post i fod yn siŵr yn agos at ffin
note-online-unavailable = nid oedd y geogodiwr ar-lein ar gael, felly mae'r lleoliad yn fras
note-district-typical-error = fel arfer o fewn tua 2 km mewn tref, mwy yng nghefn gwlad
note-terminated-shown = nid yw'r cod post hwn yn cael ei ddefnyddio mwyach{ $since }; dangosir y lleoliad diwethaf sy'n hysbys
note-terminated-unlocated = nid yw'r cod post hwn yn cael ei ddefnyddio mwyach{ $since } ac nid oes lleoliad diwethaf hysbys iddo
since-year = {" "}(ers { $year })
note-unlocated = mae'r geogodiwr ar-lein yn adnabod y cod post hwn ond nid oes ganddo safle ar ei gyfer
note-area-centre-approximate = canol ardal cod post { $area } ({ $name }); bras
note-area-centre-used = defnyddir canol ardal cod post { $area } ({ $name })
note-area-only = lleolwyd i ardal cod post { $area } ({ $name }) yn unig, felly mae'r pellteroedd yn fras (o fewn tua 20-40 km)
note-non-geographic-area = mae { $outcode } yn ddosbarth cod post anddaearyddol (blychau SP a sefydliadau mawr), felly nid oes ganddo le ei hun; { $note }
note-area-also-in = ; mae gan yr ardal hon godau post hefyd yn y wlad hon neu'r rhain: { $nations }, felly prif wlad yr ardal a ddangosir
note-not-in-table = nid yw'r cod post hwn yn y tabl codau post; defnyddir canol dosbarth { $outcode }
note-district-for-postcode = lleolwyd i ganol dosbarth cod post { $outcode }{ $town }, gan nad yw'r cod post ei hun yn ein tablau; { $error }
note-district-for-sector = lleolwyd i ganol dosbarth cod post { $outcode }{ $town }
note-non-geographic-district = dosbarth anddaearyddol (blychau SP a sefydliadau mawr)
note-centres-middle = canol y canolfannau rydyn ni'n eu rhestru yn { $town }
note-qualifier-unmatched = nid ydym yn gwybod am { $place } yn '{ $qualifier }', felly dangosir y lle mwyaf o'r enw hwnnw
note-ambiguous-place = mae mwy nag un lle o'r enw { $name }: dyma { $place }; mae'r lleill wedi'u rhestru yn alternatives
nearest-none-within = Nid oes canolfannau'n cyfateb o fewn { $km } km ({ $miles } milltir). Rhowch gynnig ar bellter mwy neu lai o hidlwyr.
nearest-none = Nid oes canolfannau'n cyfateb i'r hidlwyr hyn. Rhowch gynnig ar lai o hidlwyr.
or-separator = {" "}neu{" "}
and-separator = {" "}a{" "}

## Problemau y mae'r API yn eu hadrodd

problem-bad-request = Cais gwallus
problem-not-found = Heb ei ganfod
problem-method-not-allowed = Dull heb ei ganiatáu
problem-unprocessable = Nid yw'r ffeil yn ddilys
problem-conflict = Gwrthdaro
problem-unauthorized = Heb awdurdod
problem-payload-too-large = Cynnwys rhy fawr
problem-unsupported-media-type = Math o gyfrwng heb ei gefnogi
problem-uri-too-long = URI rhy hir
problem-unavailable = Gwasanaeth ddim ar gael
problem-internal = Gwall mewnol ar y gweinydd
problem-internal-detail = Aeth rhywbeth o'i le ar ein hochr ni; rhowch gynnig arall arni nes ymlaen.
problem-unavailable-detail = nid yw'r gwasanaeth yn barod: { $reason }
error-unknown-place = ni allwn ddod o hyd i le o'r enw '{ $place }'{ $did_you_mean }; rhowch gynnig ar god post, cod allanol fel CF14, neu dref
did-you-mean-list = {" "}(oeddech chi'n golygu { $places }?)
error-postcode-area-unknown = ni allwn ddod o hyd i'r cod post '{ $postcode }': nid yw '{ $area }' yn ardal cod post yn y DU. Gwiriwch ef a rhowch gynnig arall arni
error-postcode-unknown-try-area = ni allwn ddod o hyd i'r cod post '{ $postcode }'. Gwiriwch ef a rhowch gynnig arall arni, neu chwiliwch yn ôl ardal { $area } ({ $name }) yn lle hynny
error-postcode-offer = {" "}Yr ateb agosaf y gallwn ei roi yw ardal { $area } ({ $lat }, { $lon }): chwiliwch gyda postcode={ $area } amdano.
error-vocabulary = { $what } anhysbys '{ $value }'; a ganiateir: { $allowed }
error-age-out-of-range = mae'r oed { $age } y tu allan i'r ystod; a ganiateir: nifer cyfan o flynyddoedd o 0 i { $oldest }
error-age-not-a-number = nid yw '{ $value }' yn oed; a ganiateir: nifer cyfan o flynyddoedd o 0 i { $oldest }
error-lat-outside = mae'r lledred { $lat } y tu allan i'r DU; a ganiateir: { $lo } i { $hi }
error-lon-outside = mae'r hydred { $lon } y tu allan i'r DU; a ganiateir: { $lo } i { $hi }
error-degrees = nid yw '{ $value }' yn { $what } dilys; a ganiateir: rhif degol o raddau
error-unknown-parameter = paramedr anhysbys '{ $name }'; a ganiateir: { $allowed }
error-repeated-parameter = mae'r paramedr '{ $name }' wedi'i roi fwy nag unwaith; rhowch ef unwaith
error-query-unreadable = ni ellir darllen y llinyn ymholiad: { $reason }
error-empty-parameter = mae { $name } yn wag; rhowch werth neu gadewch ef allan
error-integer = ni chaniateir { $name } '{ $value }'; a ganiateir: rhif cyfan o { $min } i { $max }
error-number = nid yw { $name } '{ $value }' yn rhif
error-location-missing = rhowch leoliad: postcode (e.e. CF14 2TL neu CF14), q (cod post neu dref), neu lat a lon
error-location-twice = rhowch un lleoliad yn unig: postcode, q, neu lat a lon
error-postcode-not-uk = nid yw'r postcode '{ $postcode }' yn god post yn y DU; rhowch god post llawn (CF14 2TL), cod allanol (CF14) neu ardal (CF)
error-q-too-long-api = mae q yn hwy na { $max } nod
error-lat-lon-missing = mae { $name } ar goll; rhowch lat a lon
error-max-km = ni chaniateir max_km { $value }; a ganiateir: mwy na 0 a hyd at { $max }
error-format = nid yw'r format '{ $value }' yn cael ei gefnogi; a ganiateir: json, geojson, svg
error-nothing-here = nid oes dim yn { $path }; gweler /docs am yr API
problem-too-many-requests = Gormod o geisiadau
problem-too-many-requests-detail = gormod o geisiadau o'r cyfeiriad hwn; rhowch gynnig arall arni ymhen { $wait } eiliad
statistics-none = Nid oes gennym ffigurau cyhoeddedig ar gyfer { $nation } sy'n cyfateb i'r hidlwyr hyn.

## Atebion FHIR ac Open Referral UK

fhir-kind-tya = Uned ganser i bobl ifanc yn eu harddegau ac oedolion ifanc (TYA)
fhir-ages = { $min } i { $max } oed
fhir-ages-comment = Yn derbyn pobl { $min } i { $max } oed.
fhir-no-ages = Dim ystod oedran wedi'i chofnodi
fhir-no-ages-adult = Gwasanaethau canser i oedolion; nid yw'r cyfeiriadur yn cofnodi terfyn oedran.
fhir-no-ages-tya = Nid yw'r cyfeiriadur yn cofnodi ystod oedran.
oruk-kind-tya = Uned ganser i bobl ifanc yn eu harddegau ac oedolion ifanc
oruk-kind-tya-about = Ward neu wasanaeth i bobl ifanc yn eu harddegau ac oedolion ifanc sydd â chanser, fel arfer rhwng 16 a 24 oed.
oruk-kind-centre-about = Safle ysbyty sy'n trin canser gyda chemotherapi, radiotherapi neu'r ddau.
oruk-ages = Pobl { $min } i { $max } oed.
oruk-no-ages = Nid oes ystod oedran wedi'i chofnodi ar gyfer y gwasanaeth hwn.
oruk-a-tya-unit = Uned i bobl ifanc yn eu harddegau ac oedolion ifanc sydd â chanser
oruk-a-cancer-centre = Canolfan ganser
oruk-description = { $kind } yn { $hospital }, { $town }. Mae'n cynnig { $offers }.
oruk-phone = Prif rif (switsfwrdd neu uned)

## Rhagor o broblemau y mae'r API yn eu hadrodd

error-list-format = nid yw'r format '{ $value }' yn cael ei gefnogi; a ganiateir: json, csv, geojson
error-no-centre = nid oes canolfan gyda'r id '{ $id }'
error-no-registry = nid oes cofrestrfa wedi'i llwytho ar gyfer { $nation }
error-no-topic = nid oes pwnc triniaeth gyda'r slug '{ $slug }'
error-shape = { $name }: nid yw '{ $value }' yn { $what }
shape-age-band = fand oedran; a ganiateir: all_ages, ystod fel 15-24, neu 85+
shape-period = gyfnod; a ganiateir: blwyddyn fel 2022 neu ystod fel 2013-2017
error-places-q-missing = mae q ar goll; rhowch ddechrau enw lle, e.e. q=aber
error-places-q-too-long = mae q yn hwy na 100 nod; rhowch ddechrau enw lle
error-referral-age-missing = mae age ar goll; rhowch oed y person ifanc mewn blynyddoedd cyfan (0 i 120)
error-bulk-body = nid yw'r corff yn gais swmp: { $reason }; disgwylir {"{"}"locations": [{"{"}"id": "r1", "postcode": "CF14 2TL"{"}"}, ...], "kind": ..., "age": ..., "limit": ...{"}"}
error-bulk-empty = mae locations yn wag; rhowch 1 i 100 lleoliad
error-bulk-too-many = anfonwyd { $sent } lleoliad; ar y mwyaf { $max } sy'n cael eu hateb mewn un cais: rhannwch y rhestr
error-bulk-id = nid yw locations[{ $at }].id yn destun nac yn rhif cyfan
error-whole-number = ni chaniateir { $name } { $value }; a ganiateir: rhif cyfan o { $min } i { $max }

## Problemau FHIR (diagnostics OperationOutcome)

fhir-format = nid yw _format '{ $value }' yn cael ei gefnogi; JSON yn unig y mae'r gweinydd hwn yn ei siarad (application/fhir+json)
fhir-accept = application/fhir+json yn unig y mae'r gweinydd hwn yn ei ateb
fhir-unknown-id = nid yw { $resource }/{ $id } yn hysbys
fhir-unknown-type = nid yw'r math o adnodd '{ $name }' yn cael ei gefnogi; a gefnogir: HealthcareService, Location, Organization
fhir-not-whole = nid yw { $name } '{ $value }' yn rhif cyfan o 0 neu fwy
fhir-include = nid yw _include '{ $value }' yn cael ei gefnogi; a gefnogir: HealthcareService:location
fhir-unknown-parameter = paramedr chwilio anhysbys '{ $name }' ar gyfer { $resource }; a gefnogir: { $known }, a _count, _offset{ $include }
fhir-near = { $name } '{ $value }': { $why }; disgwylir lledred|hydred|pellter|uned, e.e. 51.5|-3.2|25|km
fhir-near-parts = rhowch ddwy i bedair rhan wedi'u gwahanu gan |
fhir-near-lat = nid yw'r lledred yn rhif
fhir-near-lon = nid yw'r hydred yn rhif
fhir-near-unit = nid yw'r uned '{ $unit }' yn cael ei chefnogi; defnyddiwch km neu [mi_i]
fhir-near-distance = nid yw'r pellter yn rhif o 0 neu fwy
