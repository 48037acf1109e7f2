{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "tandem.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: <release>-<chart> unless the release name already holds the chart name. */}}
{{- define "tandem.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* helm.sh/chart: <name>-<version>, '+' is not allowed in a label value. */}}
{{- define "tandem.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The pods' selector labels: stable across upgrades (a Deployment's selector is immutable). */}}
{{- define "tandem.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tandem.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The standard labels on every object the chart renders (CRDs keep their generated labels). */}}
{{- define "tandem.labels" -}}
helm.sh/chart: {{ include "tandem.chart" . }}
{{ include "tandem.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tandem
{{- end }}

{{/* The operator's ServiceAccount name. */}}
{{- define "tandem.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tandem.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image: repository@digest when a digest is set, else repository:tag (tag defaults to appVersion). */}}
{{- define "tandem.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The rules the operator needs on the resources it watches and writes, and nothing else: a ClusterRole in cluster
mode, the same rules in a Role per watched namespace in namespace-scoped mode. ModelProfile has no status subresource, so it gets no status rule. Lease rules are apart (leader
election happens in the release namespace only).
*/}}
{{- define "tandem.operatorRules" -}}
- apiGroups: ["serving.tandem.dev"]
  resources: ["modelprofiles", "inferencedeployments", "enginepools"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["serving.tandem.dev"]
  resources: ["inferencedeployments", "enginepools"]
  verbs: ["update", "patch"]
- apiGroups: ["serving.tandem.dev"]
  resources: ["enginepools"]
  verbs: ["create", "delete"]
- apiGroups: ["serving.tandem.dev"]
  resources: ["inferencedeployments/status", "enginepools/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["serving.tandem.dev"]
  resources: ["enginepools/scale"]
  verbs: ["get", "update", "patch"]
# Children carry blockOwnerDeletion: setting it needs update on the owner's finalizers (OwnerReferencesPermissionEnforcement).
- apiGroups: ["serving.tandem.dev"]
  resources: ["inferencedeployments/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "delete", "patch", "update"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
# Each deployment's control TLS Secret (read by name, never listed or watched).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update"]
# Per-deployment NetworkPolicies: control traffic only from the operator's namespace.
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}

{{/* Cross-field rules the schema cannot say; each failure names the values involved. */}}
{{- define "tandem.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled=true: without it every replica would reconcile" }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "serviceMonitor.enabled=true needs metrics.service.enabled=true: the ServiceMonitor scrapes that Service" }}
{{- end }}
{{- end }}
