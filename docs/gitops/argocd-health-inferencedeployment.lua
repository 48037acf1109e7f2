-- Argo CD health check for serving.tandem.dev/InferenceDeployment (and EnginePool: the same conditions).
-- Healthy: the operator observed this generation and Ready is True. Degraded: Stalled is True (a broken spec, a missing
-- ModelProfile, pods unschedulable for too long). Progressing: anything else (not yet observed, Reconciling, scaling).
local hs = {status = "Progressing", message = "waiting for the Tandem operator"}
if obj.status == nil or obj.metadata == nil or obj.metadata.generation == nil then
  return hs
end
local observed = obj.status.observedGeneration
if observed == nil or observed < obj.metadata.generation then
  hs.message = "the operator has not observed generation " .. tostring(obj.metadata.generation) .. " yet"
  return hs
end
local conditions = {}
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    conditions[c.type] = c
  end
end
local stalled = conditions["Stalled"]
if stalled ~= nil and stalled.status == "True" then
  return {status = "Degraded", message = tostring(stalled.reason) .. ": " .. tostring(stalled.message)}
end
local ready = conditions["Ready"]
if ready ~= nil and ready.status == "True" then
  return {status = "Healthy", message = tostring(ready.message)}
end
local reconciling = conditions["Reconciling"]
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = tostring(reconciling.message)
elseif ready ~= nil then
  hs.message = tostring(ready.message)
end
return hs
