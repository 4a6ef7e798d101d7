import type { ImportFormat } from '../../../main/common/domain';

/** The format by extension; undefined lets the core sniff it. */
export function importFormatOf(fileName: string): ImportFormat | undefined {
  const extension = /\.([^.]+)$/.exec(fileName.toLowerCase())?.[1];
  if (extension === 'csv') return 'csv';
  if (extension === 'vcf' || extension === 'vcard') return 'vcard';
  return undefined;
}
