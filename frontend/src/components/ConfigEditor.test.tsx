import React, { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataSourceSettings } from '@grafana/data';

import { InGrafana, newSettings, setServerAwsConfig } from '../../tests/grafana';
import { StratusOptions, StratusSecureOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<StratusOptions, StratusSecureOptions>;

/** Keeps the settings in state like Grafana's page does, and reports every change. */
function Page({ initial, onChange }: { initial: Settings; onChange: (s: Settings) => void }) {
  const [options, setOptions] = useState(initial);
  return (
    <InGrafana>
      <ConfigEditor
        options={options}
        onOptionsChange={(o) => {
          setOptions(o);
          onChange(o);
        }}
      />
    </InGrafana>
  );
}

function setup(initial = newSettings()) {
  const onChange = vi.fn<(s: Settings) => void>();
  render(<Page initial={initial} onChange={onChange} />);
  const last = () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
  return { onChange, last };
}

async function chooseProvider(label: string) {
  await userEvent.click(screen.getByLabelText('Authentication Provider'));
  await userEvent.click(await screen.findByText(label, { selector: 'span' }));
}

describe('ConfigEditor', () => {
  it('shows the fields of each authentication provider', async () => {
    setServerAwsConfig(['default', 'keys', 'credentials'], true);
    setup();
    expect(screen.queryByLabelText('Access Key ID')).not.toBeInTheDocument();
    await chooseProvider('Access & secret key');
    expect(screen.getByLabelText('Access Key ID')).toBeInTheDocument();
    expect(screen.getByLabelText('Secret Access Key')).toBeInTheDocument();
    expect(screen.getByText('Session Token')).toBeInTheDocument();
    await chooseProvider('Credentials file');
    expect(screen.getByLabelText(/^Credentials Profile Name/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Access Key ID')).not.toBeInTheDocument();
    expect(screen.queryByText('Session Token')).not.toBeInTheDocument();
  });

  it('offers only the providers the server allows, and hides assume role when disabled', async () => {
    setServerAwsConfig(['keys', 'ec2_iam_role'], false);
    setup(newSettings({ authType: 'keys' as StratusOptions['authType'] }));
    await userEvent.click(screen.getByLabelText('Authentication Provider'));
    expect(await screen.findByText('Workspace IAM Role', { selector: 'span' })).toBeInTheDocument();
    expect(screen.queryByText('AWS SDK Default', { selector: 'span' })).not.toBeInTheDocument();
    expect(screen.queryByText('Credentials file', { selector: 'span' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^Assume Role ARN/)).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^External ID/)).not.toBeInTheDocument();
    setServerAwsConfig(['default', 'keys', 'credentials'], true);
  });

  it('writes keys to secureJsonData and the rest to jsonData', async () => {
    setServerAwsConfig(['default', 'keys', 'credentials'], true);
    const { last } = setup();
    await chooseProvider('Access & secret key');
    await userEvent.type(screen.getByLabelText('Access Key ID'), 'AKIAEXAMPLE');
    await userEvent.type(screen.getByLabelText('Secret Access Key'), 'wJalrEXAMPLE');
    await userEvent.type(screen.getByPlaceholderText('Session token'), 'FQoGEXAMPLE');
    await userEvent.type(screen.getByLabelText(/^Assume Role ARN/), 'arn:aws:iam::123456789012:role/Reader');
    await userEvent.type(screen.getByLabelText(/^External ID/), 'ext-1');
    await userEvent.type(screen.getByLabelText(/^STS Endpoint/), 'https://sts.eu-west-1.amazonaws.com');
    await userEvent.type(screen.getByLabelText(/^Custom Metrics Namespaces/), 'App/Orders');
    await waitFor(() => expect(last().jsonData.customMetricsNamespaces).toBe('App/Orders'));
    const s = last();
    expect(s.jsonData).toMatchObject({
      authType: 'keys',
      assumeRoleArn: 'arn:aws:iam::123456789012:role/Reader',
      externalId: 'ext-1',
      stsEndpoint: 'https://sts.eu-west-1.amazonaws.com',
      defaultRegion: 'us-east-1',
    });
    expect(s.secureJsonData).toEqual({ accessKey: 'AKIAEXAMPLE', secretKey: 'wJalrEXAMPLE', sessionToken: 'FQoGEXAMPLE' });
    expect(JSON.stringify(s.jsonData)).not.toMatch(/EXAMPLE/);
  });

  it('offers a per-data-source proxy only when the server allows it, with the password kept secret', async () => {
    setServerAwsConfig(['default', 'keys', 'credentials'], true, false);
    const { unmount } = render(<Page initial={newSettings()} onChange={() => undefined} />);
    expect(screen.queryByLabelText(/^Proxy Type/)).not.toBeInTheDocument();
    unmount();

    setServerAwsConfig(['default', 'keys', 'credentials'], true, true);
    const { last } = setup();
    await userEvent.click(screen.getByLabelText(/^Proxy Type/));
    await userEvent.click(await screen.findByText('URL', { selector: 'span' }));
    await userEvent.type(screen.getByLabelText(/^Proxy URL/), 'http://proxy.corp:3128');
    await userEvent.type(screen.getByLabelText(/^Proxy Username/), 'grafana');
    await userEvent.type(screen.getByLabelText(/^Proxy Password/), 'pw-EXAMPLE');
    await waitFor(() => expect(last().secureJsonData?.proxyPassword).toBe('pw-EXAMPLE'));
    expect(last().jsonData).toMatchObject({ proxyType: 'url', proxyUrl: 'http://proxy.corp:3128', proxyUsername: 'grafana' });
    expect(JSON.stringify(last().jsonData)).not.toMatch(/EXAMPLE/);
    setServerAwsConfig(['default', 'keys', 'credentials'], true);
  });

  it('keeps a pasted CA bundle in secureJsonData', async () => {
    const { last } = setup();
    await userEvent.type(screen.getByLabelText(/^CA Bundle/), '-----BEGIN CERTIFICATE-----');
    await waitFor(() => expect(last().secureJsonData?.caBundle).toBe('-----BEGIN CERTIFICATE-----'));
    expect(JSON.stringify(last().jsonData)).not.toMatch(/CERTIFICATE/);
  });

  it('shows stored secrets as configured with a reset button', async () => {
    const stored = newSettings({ authType: 'keys' as StratusOptions['authType'] });
    stored.secureJsonFields = { accessKey: true, secretKey: true, sessionToken: true };
    const { last } = setup(stored);
    expect(screen.getAllByPlaceholderText('Configured').length).toBeGreaterThanOrEqual(2);
    const resets = screen.getAllByRole('button', { name: 'Reset' });
    await userEvent.click(resets[resets.length - 1]);
    expect(last().secureJsonFields.sessionToken).toBe(false);
    expect(screen.getByPlaceholderText('Session token')).toBeEnabled();
  });
});
