import { packageRoot } from '../../core/package-info.js';
import path from 'node:path';
import { runScriptCommand } from './package-manager.js';
import type { CreateOptions } from './options.js';

const projectTemplatesDir = path.join(packageRoot, 'templates', 'project');

/** Template layers in application order: `base`, then one `+feature` layer per enabled feature. */
export function projectLayers(options: Pick<CreateOptions, 'transport' | 'example'>): string[] {
  const layers = ['base'];
  if (options.transport !== 'http') layers.push('+stdio');
  if (options.transport !== 'stdio') layers.push('+http');
  if (options.example) layers.push('+examples');
  return layers.map((layer) => path.join(projectTemplatesDir, layer));
}

export interface ProjectTemplateData {
  name: string;
  /** The package name without its scope: a friendlier server and binary name. */
  serverName: string;
  stdio: boolean;
  http: boolean;
  examples: boolean;
  /** The store the configuration defaults to; both are always generated. */
  store: 'sqlite' | 'postgres';
  postgres: boolean;
  pm: string;
  commands: { install: string; test: string; evals: string; check: string; typecheck: string; build: string; start: string; startHttp: string; dev: string };
}

export function projectTemplateData(options: CreateOptions): ProjectTemplateData {
  const pm = options.packageManager;
  return {
    name: options.name,
    serverName: options.name.replace(/^@[^/]+\//, ''),
    stdio: options.transport !== 'http',
    http: options.transport !== 'stdio',
    examples: options.example,
    store: options.store,
    postgres: options.store === 'postgres',
    pm,
    commands: {
      install: `${pm} install`,
      test: runScriptCommand(pm, 'test'),
      typecheck: runScriptCommand(pm, 'typecheck'),
      check: runScriptCommand(pm, 'check'),
      evals: runScriptCommand(pm, 'evals'),
      build: runScriptCommand(pm, 'build'),
      start: runScriptCommand(pm, 'start'),
      startHttp: runScriptCommand(pm, 'start:http'),
      dev: runScriptCommand(pm, 'dev'),
    },
  };
}
