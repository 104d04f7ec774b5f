-- wrk script: the 200 queries of `vanban-bench bench-search` (2–6 syllables, half without
-- diacritics, one in ten a document number), alternating document and article scope, 20 hits
-- with facets and snippets, as the API serves them.
--   vanban-bench bench-search --print-queries > /tmp/queries.txt
--   wrk -t2 -c32 -d30s --latency -s .ci/search-load.lua http://127.0.0.1:8080 -- /tmp/queries.txt
local qs = {}
local i = 0

init = function(args)
  for line in io.lines(args[1]) do
    qs[#qs + 1] = line
  end
  -- Each thread starts at another point of the list.
  i = math.random(#qs)
end

request = function()
  i = i + 1
  local scope = (i % 2 == 0) and "documents" or "articles"
  return wrk.format("GET", "/api/v1/search?per_page=20&scope=" .. scope .. "&q=" .. qs[(i % #qs) + 1])
end
