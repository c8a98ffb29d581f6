# Copy number $copy (0-based) of an article for the --scale runs: copy 0 is the article as it is, later
# copies get an id and URL suffix so that every copy is a distinct article for every tool.
if $copy == 0 then .
else .id = "\(.id)-\($copy)" | (if .url then .url += "#\($copy)" else . end)
end
