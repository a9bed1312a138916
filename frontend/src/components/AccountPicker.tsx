import React, { useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, Select } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { Account } from '../types';

/** The accounts of a monitoring account in `region`; empty elsewhere, or when the lookup fails. */
export function useAccounts(datasource: DataSource, region: string): Account[] {
  const [accounts, setAccounts] = useState<Account[]>([]);
  useEffect(() => {
    let live = true;
    datasource
      .getAccounts(region)
      .then((found) => live && setAccounts(found))
      .catch(() => live && setAccounts([]));
    return () => {
      live = false;
    };
  }, [datasource, region]);
  return accounts;
}

interface Props {
  datasource: DataSource;
  region: string;
  accountId?: string;
  onChange: (accountId: string | undefined) => void;
}

/** Picks a source account (or all) in a monitoring account; shows nothing where no account is linked. */
export function AccountPicker({ datasource, region, accountId, onChange }: Props) {
  const accounts = useAccounts(datasource, region);
  if (!accounts.some((a) => !a.isMonitoringAccount)) {
    return null;
  }
  const options: Array<SelectableValue<string>> = [
    { label: 'All', value: 'all', description: 'The monitoring account and every linked account' },
    ...accounts.map((a) => ({ label: a.label || a.id, value: a.id, description: a.isMonitoringAccount ? `${a.id} (monitoring account)` : a.id })),
  ];
  const current = options.find((o) => o.value === accountId) ?? (accountId ? { label: accountId, value: accountId } : null);
  return (
    <InlineField label="Account" labelWidth={14} tooltip="Linked source accounts of this monitoring account (CloudWatch cross-account observability).">
      <Select
        aria-label="Account"
        width={32}
        allowCustomValue
        isClearable
        placeholder="This account"
        value={current}
        options={options}
        onChange={(o) => onChange(o?.value || undefined)}
      />
    </InlineField>
  );
}
