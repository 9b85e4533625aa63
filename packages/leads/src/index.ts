export {
  changeLead,
  type LeadChange,
  type LeadColumns,
  type LeadHistoryEntry,
  type LeadRef,
  type LeadUpdate,
  leadEventMessages,
  type RecordOptions,
  recordHistory,
  recordLeadChanges,
} from './lead-changes.ts';
