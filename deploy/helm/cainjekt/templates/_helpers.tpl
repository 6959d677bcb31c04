{{/* SPDX-License-Identifier: Apache-2.0 */}}
{{- define "cainjekt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cainjekt.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "cainjekt.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "cainjekt.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "cainjekt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cainjekt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cainjekt.labels" -}}
{{ include "cainjekt.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: nri-plugin
app.kubernetes.io/part-of: cainjekt
{{- end }}

{{- define "cainjekt.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cainjekt.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cainjekt.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* ConfigMap name of one bundle: the existing one, or the one the chart creates from pem. */}}
{{- define "cainjekt.bundleConfigMap" -}}
{{- $b := .bundle }}
{{- if and $b.existingConfigMap $b.pem }}
{{- fail (printf "bundles[%s]: set existingConfigMap or pem, not both" $b.name) }}
{{- else if $b.existingConfigMap }}
{{- $b.existingConfigMap }}
{{- else if $b.pem }}
{{- printf "%s-ca-%s" (include "cainjekt.fullname" .root) $b.name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- fail (printf "bundles[%s]: set existingConfigMap or pem" $b.name) }}
{{- end }}
{{- end }}
