// The one catalogue of AWS regions, namespaces, metrics and dimension keys: the backend compiles in
// the same file (src/resources/catalogue.rs), so the two cannot drift apart.
import catalogue from '../../data/aws-cloudwatch-catalogue.json';

/** AWS regions offered on the settings page before a region lookup is possible. */
export const STANDARD_REGIONS: string[] = catalogue.regions;
