-- wrk script: 8 rotating search queries (with and without diacritics, numbers).
--   wrk -t2 -c32 -d20s --latency -s .ci/search-load.lua http://127.0.0.1:8080
local qs = {"thu%20tuc%20hanh%20chinh", "h%E1%BB%97%20tr%E1%BB%A3%20nu%C3%B4i%20t%C3%B4m", "an%20ninh%20mang", "15%2F2018%2FNQ-H%C4%90ND", "ph%C3%AD%20v%C3%A0%20l%E1%BB%87%20ph%C3%AD", "quyen%20nghia%20vu%20cong%20dan", "NQ%2012%2F2019", "b%E1%BA%A3o%20v%E1%BB%87%20r%E1%BB%ABng"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/search?per_page=20&q=" .. qs[(i % #qs) + 1])
end
