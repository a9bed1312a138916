import { DataFrame, DataLink, DataQueryResponse } from '@grafana/data';

import { isLogsQuery, StratusQuery } from './types';

/** The field of Logs Insights results that holds an X-Ray trace id. */
const TRACE_FIELD = '@xrayTraceId';

/** The X-Ray data source named in the settings (`tracingDatasourceUid`), when Grafana knows it. */
export interface XrayTarget {
  uid: string;
  /** Its name, the link's title; none when the data source no longer exists. */
  name?: string;
}

/** The internal link Grafana's CloudWatch puts on a trace id: the trace in the X-Ray data source, in the query's region. */
function xrayLink(xray: XrayTarget & { name: string }, region: string): DataLink {
  return {
    title: xray.name,
    url: '',
    internal: {
      query: { query: '${__value.raw}', queryType: 'getTrace', region },
      datasourceUid: xray.uid,
      datasourceName: xray.name,
    },
  };
}

/**
 * A logs answer with trace ids linked to the X-Ray data source the settings name, as Grafana's CloudWatch links them
 * (`addDataLinksToLogsResponse`): the field's link is the trace in X-Ray, in the query's region (`default` read as the
 * data source's default region). When the X-Ray data source is gone, the field has no link, as in Grafana.
 */
export function withTraceLinks(
  response: DataQueryResponse,
  targets: StratusQuery[],
  xray: XrayTarget | undefined,
  defaultRegion: string
): DataQueryResponse {
  if (!xray) {
    return response;
  }
  const frames = (response.data as DataFrame[]).map((frame) => {
    const target = targets.find((t) => t.refId === frame.refId);
    if (!target || !isLogsQuery(target) || !frame.fields.some((f) => f.name === TRACE_FIELD)) {
      return frame;
    }
    const region = !target.region || target.region === 'default' ? defaultRegion : target.region;
    const links = xray.name ? [xrayLink({ uid: xray.uid, name: xray.name }, region)] : [];
    return {
      ...frame,
      fields: frame.fields.map((f) => (f.name === TRACE_FIELD ? { ...f, config: { ...f.config, links } } : f)),
    };
  });
  return { ...response, data: frames };
}
