import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { ConnectionConfig } from '@grafana/aws-sdk';
import { Field, Input, SecretInput, SecretTextArea, Stack, Text, TextLink } from '@grafana/ui';

import { STANDARD_REGIONS } from '../catalogue';
import { StratusOptions, StratusSecureOptions, TROUBLESHOOTING_URL } from '../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<StratusOptions, StratusSecureOptions>;

/** The data source settings page: Grafana's AWS connection fields plus Stratus's additions. */
export function ConfigEditor(props: ConfigEditorProps) {
  const { options, onOptionsChange } = props;
  const jsonData = options.jsonData;
  const configured = options.secureJsonFields ?? {};

  const setJson = (key: keyof StratusOptions) => (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: e.currentTarget.value } });

  const setSessionToken = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({
      ...options,
      secureJsonData: { ...(options.secureJsonData ?? {}), sessionToken: e.currentTarget.value },
    });

  const resetSessionToken = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...configured, sessionToken: false },
      secureJsonData: { ...(options.secureJsonData ?? {}), sessionToken: '' },
    });

  const setCaBundle = (e: ChangeEvent<HTMLTextAreaElement>) =>
    onOptionsChange({
      ...options,
      secureJsonData: { ...(options.secureJsonData ?? {}), caBundle: e.currentTarget.value },
    });

  const resetCaBundle = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...configured, caBundle: false },
      secureJsonData: { ...(options.secureJsonData ?? {}), caBundle: '' },
    });

  return (
    <Stack direction="column" gap={2}>
      {/* The proxy fields appear when the server allows per-data-source proxies. */}
      <ConnectionConfig
        {...props}
        standardRegions={STANDARD_REGIONS}
        defaultEndpoint="https://monitoring.{region}.amazonaws.com"
        showHttpProxySettings
      />

      <Stack direction="column" gap={1}>
        <Text element="h3" variant="h4">
          Stratus options
        </Text>
        {jsonData.authType === 'keys' && (
          <Field
            label="Session Token"
            description="Only for temporary credentials (an access key that starts with ASIA). They expire: prefer long-lived keys with an Assume Role ARN."
          >
            <SecretInput
              id="stratus-session-token"
              placeholder="Session token"
              isConfigured={Boolean(configured.sessionToken)}
              value={options.secureJsonData?.sessionToken ?? ''}
              onChange={setSessionToken}
              onReset={resetSessionToken}
            />
          </Field>
        )}
        <Field
          label="STS Endpoint"
          description="Optional. Where STS calls (AssumeRole, GetCallerIdentity) go, e.g. a VPC endpoint. Without it, STS uses the Endpoint above as Grafana does."
        >
          <Input
            id="stratus-sts-endpoint"
            placeholder="https://sts.{region}.amazonaws.com"
            value={jsonData.stsEndpoint ?? ''}
            onChange={setJson('stsEndpoint')}
          />
        </Field>
        <Field
          label="CA Bundle"
          description="Optional. PEM certificates of the CAs that sign the endpoint's or the proxy's TLS certificate (a VPC endpoint with a private certificate, a proxy that re-signs TLS). Trusted beside the system's CAs and AWS_CA_BUNDLE."
        >
          <SecretTextArea
            id="stratus-ca-bundle"
            placeholder="-----BEGIN CERTIFICATE-----"
            rows={4}
            cols={60}
            isConfigured={Boolean(configured.caBundle)}
            value={options.secureJsonData?.caBundle ?? ''}
            onChange={setCaBundle}
            onReset={resetCaBundle}
          />
        </Field>
        <Field label="Custom Metrics Namespaces" description="Comma-separated namespaces offered in the query editor, e.g. MyApp/Orders, MyApp/Billing.">
          <Input
            id="stratus-custom-namespaces"
            placeholder="Namespace1,Namespace2"
            value={jsonData.customMetricsNamespaces ?? ''}
            onChange={setJson('customMetricsNamespaces')}
          />
        </Field>
        <Text color="secondary">
          Save &amp; test reports the identity Stratus authenticated as, or the step that failed and why.{' '}
          <TextLink href={TROUBLESHOOTING_URL} inline>
            Troubleshooting
          </TextLink>
        </Text>
      </Stack>
    </Stack>
  );
}
