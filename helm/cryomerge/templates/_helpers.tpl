{{/* The chart name, or nameOverride. */}}
{{- define "cryomerge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object name: RELEASE-cryomerge, or RELEASE when it already contains the chart name. */}}
{{- define "cryomerge.fullname" -}}
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

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "silo"). */}}
{{- define "cryomerge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cryomerge.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The Kubernetes recommended labels of one component: call with (dict "ctx" $ "component" "silo"). */}}
{{- define "cryomerge.labels" -}}
{{ include "cryomerge.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cryomerge
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cryomerge.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "cryomerge.serviceId" -}}
{{ .Values.orleans.serviceId | default (include "cryomerge.fullname" .) }}
{{- end }}

{{- define "cryomerge.clusterId" -}}
{{ .Values.orleans.clusterId | default (include "cryomerge.fullname" .) }}
{{- end }}

{{/* CRYOMERGE_CLUSTER: the membership address, without a password (that comes from a Secret). */}}
{{- define "cryomerge.clusterUrl" -}}
{{- $m := .Values.membership }}
{{- if eq $m.provider "redis" }}
{{- printf "redis://%s:%d" (required "membership.redis.host is required" $m.redis.host) (int $m.redis.port) }}
{{- if not (kindIs "invalid" $m.redis.database) }}/{{ int $m.redis.database }}{{ end }}
{{- else if eq $m.provider "postgres" }}
{{- $p := $m.postgres }}
{{- printf "postgres://%s@%s:%d/%s" (required "membership.postgres.user is required" $p.user) (required "membership.postgres.host is required" $p.host) (int $p.port) (required "membership.postgres.database is required" $p.database) }}
{{- else }}
{{- fail (printf "membership.provider must be redis or postgres, not %q" $m.provider) }}
{{- end }}
{{- end }}

{{- define "cryomerge.stateDir" -}}
{{ .Values.data.stateDir | default (printf "%s/.cryomerge-state" (trimSuffix "/" .Values.data.mountPath)) }}
{{- end }}

{{- define "cryomerge.claimName" -}}
{{ .Values.data.existingClaim | default (printf "%s-data" (include "cryomerge.fullname" .)) }}
{{- end }}

{{- define "cryomerge.serviceAccountName" -}}
{{- if .Values.orleans.kubernetesHosting }}
{{- include "cryomerge.fullname" . }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/* The silo's CPU request rounded up to whole cores ("1500m" -> 2, "2" -> 2); empty without a request. */}}
{{- define "cryomerge.cpuCount" -}}
{{- $cpu := toString (dig "requests" "cpu" "" .Values.silo.resources) }}
{{- if hasSuffix "m" $cpu }}
{{- div (add (trimSuffix "m" $cpu | int) 999) 1000 | max 1 }}
{{- else if $cpu }}
{{- $cpu | float64 | ceil | int | max 1 }}
{{- end }}
{{- end }}

{{/* Environment shared by silos and the merge Job: the settings ConfigMap and the membership password. */}}
{{- define "cryomerge.commonEnvFrom" -}}
- configMapRef:
    name: {{ include "cryomerge.fullname" . }}
{{- end }}

{{- define "cryomerge.passwordEnv" -}}
{{- with .Values.membership.passwordSecret }}
{{- if .name }}
- name: CRYOMERGE_CLUSTER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- end }}

{{/* Where silos and the Job find the TLS Secret's files (CRYOMERGE_TLS_*). */}}
{{- define "cryomerge.tlsDir" -}}
/etc/cryomerge-tls
{{- end }}

{{/* CRYOMERGE_TLS_* of silos and the merge Job: the files of the mounted Secret and its key's password. */}}
{{- define "cryomerge.tlsEnv" -}}
{{- with .Values.tls }}
{{- if .secretName }}
- name: CRYOMERGE_TLS_CERT
  value: {{ printf "%s/tls.crt" (include "cryomerge.tlsDir" $) | quote }}
- name: CRYOMERGE_TLS_KEY
  value: {{ printf "%s/tls.key" (include "cryomerge.tlsDir" $) | quote }}
{{- if .caKey }}
- name: CRYOMERGE_TLS_CA
  value: {{ printf "%s/%s" (include "cryomerge.tlsDir" $) .caKey | quote }}
{{- end }}
{{- if .passwordSecret.name }}
- name: CRYOMERGE_TLS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .passwordSecret.name }}
      key: {{ .passwordSecret.key }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cryomerge.tlsMount" -}}
{{- if .Values.tls.secretName }}
- name: tls
  mountPath: {{ include "cryomerge.tlsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The Secret's files readable by the pods' group (fsGroup) only: mode 0440. */}}
{{- define "cryomerge.tlsVolume" -}}
{{- if .Values.tls.secretName }}
- name: tls
  secret:
    secretName: {{ .Values.tls.secretName }}
    defaultMode: 288
{{- end }}
{{- end }}
