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
{{- fail (printf "bundles[%s]: no CA certificates: set pem to your CA certificates (e.g. --set bundles[0].name=default --set-file bundles[0].pem=ca.pem) or existingConfigMap to a ConfigMap holding them" $b.name) }}
{{- end }}
{{- end }}

{{/* --plugin-index: two digits; a number 0-99 (YAML reads 05 as 5) is zero-padded. */}}
{{- define "cainjekt.pluginIndex" -}}
{{- $i := .Values.plugin.index }}
{{- if kindIs "string" $i }}
{{- if not (regexMatch "^[0-9]{2}$" $i) }}
{{- fail (printf "plugin.index must be two digits (00 to 99), not %q" $i) }}
{{- end }}
{{- $i }}
{{- else if and (ge (int64 $i) 0) (le (int64 $i) 99) (eq (float64 (int64 $i)) (float64 $i)) }}
{{- printf "%02d" (int64 $i) }}
{{- else }}
{{- fail (printf "plugin.index must be two digits (00 to 99), not %v" $i) }}
{{- end }}
{{- end }}
