#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
// The flotilla command. Everything happens in src/cli; this file only hands over argv.
import { main } from '../src/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
