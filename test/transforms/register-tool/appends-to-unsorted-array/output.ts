// @ts-nocheck
import type { AnyTool } from '../platform/tool.js';
import weather from './weather.js';
import alerts from './alerts.js';
import searchDocs from './search-docs.js';

/** The registry. */
export const tools: AnyTool[] = [weather, alerts, searchDocs];
