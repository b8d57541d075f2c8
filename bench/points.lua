-- wrk script: each request asks for the nearest centres to a different point, taken from the
-- synthetic postcode directory loaded by bench/run.sh (one "lat,lon" per line in points.txt).
local points = {}
for line in io.lines(os.getenv("POINTS_FILE") or "points.txt") do
  local lat, lon = line:match("([^,]+),([^,]+)")
  points[#points + 1] = "lat=" .. lat .. "&lon=" .. lon
end
local i = 0
request = function()
  i = i % #points + 1
  return wrk.format("GET", "/api/v1/centres/nearest?" .. points[i])
end
