/**
 * What every command starts from: validated configuration and the one logger.
 */
import type { Command } from "commander";
import { loadConfig, settings, type Config, type SettingName } from "../config.js";
import { ConfigError } from "../errors.js";
import { createLogger, type Logger } from "../logger.js";

export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** Global flags, as commander names them, for each setting that has one. */
export function settingFlags(): Array<{ name: SettingName; flag: string; description: string }> {
  const flags: Array<{ name: SettingName; flag: string; description: string }> = [];
  for (const [name, setting] of Object.entries(settings) as Array<
    [SettingName, (typeof settings)[SettingName]]
  >) {
    if (setting.flag !== undefined)
      flags.push({ name, flag: setting.flag, description: setting.description });
  }
  return flags;
}

function optionKey(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function contextFrom(command: Command, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const options = command.optsWithGlobals<Record<string, string | undefined>>();
  const flags: Partial<Record<SettingName, string>> = {};
  for (const { name, flag } of settingFlags()) {
    const value = options[optionKey(flag)];
    if (value !== undefined) flags[name] = value;
  }
  let config: Config;
  try {
    config = loadConfig({ env, flags, envFile: options.envFile ?? options.c360EnvFile });
  } catch (error) {
    // The commands that keep a run row keep one for this attempt too (see recordConfigFailure).
    if (error instanceof ConfigError && error.attempt !== undefined && recordedCommands.has(command.name()))
      error.attempt.command = command.name();
    throw error;
  }
  return { config, logger: createLogger({ level: config.logLevel }) };
}

/** The commands whose every attempt is a row in etl_run_logs. */
const recordedCommands = new Set(["run", "generate", "load"]);
