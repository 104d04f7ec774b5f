-- wrk script: the 200 queries of `vanban-bench bench-search` (2–6 syllables, half without
-- diacritics, one in ten a document number) sent as readers send them.
--   vanban-bench bench-search --print-queries > /tmp/queries.txt
--   wrk -t2 -c32 -d30s --latency -s .ci/search-load.lua http://127.0.0.1:8080 -- /tmp/queries.txt [MODE]
--
-- MODE (default `page`):
--   page     the `/search` page as its two forms ask for it, half and half: the header's one
--            search box (`GET /search?q=…`: documents with facets and snippets, and the
--            procedures, communes and articles the query names, in one answer) and the
--            page's own filter form in article scope (every field of the form sent, empty
--            ones empty, as a browser sends them);
--   header   the header's search box only (the mixed answer);
--   articles the filter form in article scope only;
--   api      `GET /api/v1/search`, alternating document and article scope, 20 hits with
--            facets and snippets (the figures of issue 3).
-- Each thread walks the 200 queries from its own starting point and sends each query in both
-- forms before it sends any of them again (400 distinct requests in `page` and `api` modes).
-- The server's result cache must be off (`search_cache_entries = 0`): a repeated request is
-- then computed again like a new one.
local qs = {}
local mode = "page"
local i = 0

-- The filter form of templates/search.html, fields in the form's order.
local function filter_form(q, scope)
  return "/search?q=" .. q .. "&scope=" .. scope
    .. "&type=&authority=&status=&unit=&field=&year_from=&year_to=&sort=relevance"
end

local paths = {
  page = function(q, second)
    if second then
      return filter_form(q, "articles")
    end
    return "/search?q=" .. q
  end,
  header = function(q, _)
    return "/search?q=" .. q
  end,
  articles = function(q, _)
    return filter_form(q, "articles")
  end,
  api = function(q, second)
    local scope = second and "articles" or "documents"
    return "/api/v1/search?per_page=20&scope=" .. scope .. "&q=" .. q
  end,
}

init = function(args)
  for line in io.lines(args[1]) do
    qs[#qs + 1] = line
  end
  mode = args[2] or "page"
  if paths[mode] == nil then
    error("unknown mode " .. mode .. " (page, header, articles, api)")
  end
  -- Each thread starts at another point of the list.
  i = math.random(2 * #qs)
end

request = function()
  i = i + 1
  local n = #qs
  -- The first n requests of a cycle take the first form, the next n the second.
  local second = (math.floor(i / n) % 2) == 1
  return wrk.format("GET", paths[mode](qs[(i % n) + 1], second))
end
