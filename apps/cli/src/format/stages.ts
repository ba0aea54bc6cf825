import { stageName, type Phase, type Stage, type StageState } from '@sluice/delivery';
import type { Style, Styles } from './color.js';

const SYMBOL: Readonly<Record<StageState, string>> = {
  pending: '·',
  running: '…',
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  canceled: '⊘',
};

/** The symbol of a stage state: ✓ succeeded, ✗ failed, … running, · pending, – skipped, ⊘ canceled. */
export function stageSymbol(state: StageState): string {
  return SYMBOL[state];
}

/** The colour of a stage state. */
export function stateStyle(state: StageState, s: Styles): Style {
  if (state === 'succeeded') return s.ok;
  if (state === 'failed') return s.bad;
  if (state === 'running') return s.busy;
  return s.dim;
}

/** The colour of a phase. */
export function phaseStyle(phase: Phase, s: Styles): Style {
  switch (phase) {
    case 'Live':
    case 'Passed':
      return s.ok;
    case 'Failed':
    case 'RolledBack':
      return s.bad;
    case 'Superseded':
    case 'Canceled':
    case 'Pending':
      return s.dim;
    default:
      return s.busy;
  }
}

/** `test✓ build✓ deploy:production…` (plain text, for widths). */
export function compactStages(stages: readonly Stage[]): string {
  return stages.map((stage) => `${stageName(stage)}${stageSymbol(stage.state)}`).join(' ');
}
