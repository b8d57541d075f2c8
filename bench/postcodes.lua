-- wrk script: each request asks for the nearest centres to a different real-format postcode
-- from the synthetic directory loaded by bench/run.sh (one per line in postcodes.txt).
local postcodes = {}
for line in io.lines(os.getenv("POSTCODES_FILE") or "postcodes.txt") do
  postcodes[#postcodes + 1] = line
end
local i = 0
request = function()
  i = i % #postcodes + 1
  local pc = postcodes[i]:gsub(" ", "%%20")
  return wrk.format("GET", "/api/v1/centres/nearest?postcode=" .. pc)
end
