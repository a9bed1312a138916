import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { ConnectionConfig } from '@grafana/aws-sdk';
import { Field, Input, SecretInput, Stack, Text, TextLink } from '@grafana/ui';

import { STANDARD_REGIONS } from '../regions';
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

  return (
    <Stack direction="column" gap={2}>
      <ConnectionConfig {...props} standardRegions={STANDARD_REGIONS} defaultEndpoint="https://monitoring.{region}.amazonaws.com" />

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
