-- A NodeMCU Lua prompt for tests: real Lua 5.1 reading lines from the UART (stdin), echoing them,
-- ">> " for unfinished chunks, "> " when ready; `file` keeps its files in the directory arg[1].
local root = assert(arg[1], "usage: nodemcu.lua DIR [corrupt-write]")
-- "corrupt-write": the second write to a file stores one byte wrong (a flaky flash), to show uploads are checked.
local corrupt, writes = arg[2] == "corrupt-write", 0
io.stdout:setvbuf("no")

local function path(n) return root .. "/" .. n end

local F = {}
F.__index = F
function F:write(s)
  writes = writes + 1
  if corrupt and writes == 2 and #s > 0 then s = s:sub(1, -2) .. string.char((s:byte(-1) + 1) % 256) end
  return self.h:write(s) and true or nil
end
function F:writeline(s) return self.h:write(s, "\n") and true or nil end
function F:read(n)
  if type(n) == "number" or n == nil then return self.h:read(n or 1024) end
  return self.h:read("*l")
end
function F:readline() local l = self.h:read("*l") return l and (l .. "\n") end
function F:close() self.h:close() end
function F:seek(w, o) return self.h:seek(w, o) end

file = {}
function file.open(n, mode)
  mode = (mode or "r"):gsub("b", "")
  local h = io.open(path(n), mode .. "b")
  if not h then return nil end
  return setmetatable({ h = h }, F)
end
function file.exists(n) local h = io.open(path(n), "rb") if h then h:close() return true end return false end
function file.remove(n) os.remove(path(n)) end
function file.rename(a, b) return os.rename(path(a), path(b)) and true or false end
function file.list()
  local t = {}
  local p = io.popen('ls -A "' .. root .. '"')
  for name in p:lines() do
    local h = io.open(path(name), "rb")
    if h then t[name] = h:seek("end") h:close() end
  end
  p:close()
  return t
end
local lua_dofile = dofile
function dofile(n) return lua_dofile(path(n)) end

io.write("\nNodeMCU (simulated) build for tests\n> ")
local pending = ""
for line in io.lines() do
  line = line:gsub("\r$", "")
  io.write(line, "\n")
  local chunk = pending .. line .. "\n"
  local f, err = loadstring(chunk, "=stdin")
  if not f and err:find("<eof>") then
    pending = chunk
    io.write(">> ")
  else
    pending = ""
    if not f then
      print(err)
    else
      local ok, e = pcall(f)
      if not ok then print(e) end
    end
    io.write("> ")
  end
end
