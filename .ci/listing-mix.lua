-- Each request one of the unit's listing pages: pages 1-8, or one of its 12 fields.
local paths = {}
for p = 1, 8 do paths[#paths + 1] = "/units/B80-000/procedures?page=" .. p end
for f = 1, 12 do paths[#paths + 1] = "/units/B80-000/procedures?field=L%C4%A9nh%20v%E1%BB%B1c%20" .. f end
paths[#paths + 1] = "/units/B80-000/procedures"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
