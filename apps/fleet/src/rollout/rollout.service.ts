import { Injectable, Logger } from '@nestjs/common';
import {
  CreateRolloutRequest,
  DesiredStateView,
  FleetErrorCode,
  FleetEvent,
  ListRolloutsRequest,
  Page,
  ProctorError,
  PromoteRolloutRequest,
  ReportUpdateRequest,
  RolloutHaltedEvent,
  RolloutPlanView,
  RolloutView,
} from '@proctor/contracts';
import { OutboxWriter, pageSize, toPage } from '@proctor/persistence';
import { EntityManager } from 'typeorm';
import { DeviceEventRepository } from '../device/device-event.repository';
import { Device } from '../device/device.entity';
import { DeviceRepository } from '../device/device.repository';
import { deviceNotFound } from '../device/device.service';
import { healthWindowClosed, judgeRollout, pendingDeadlinePassed, ROLLOUT_DEFAULTS, stateForReport, turnedUnhealthy } from './rollout-health';
import { coveringRollout, desiredState, planRollout, RolloutScope, rolloutScope } from './rollout-targeting';
import { Rollout } from './rollout.entity';
import { toRolloutView } from './rollout.mapper';
import { NewRollout, RolloutRepository } from './rollout.repository';

@Injectable()
export class RolloutService {
  private readonly logger = new Logger(RolloutService.name);

  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly devices: DeviceRepository,
    private readonly events: DeviceEventRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Starts a rollout of a commit to a segment or a branch: the devices it targets are listed as
   * pending, the others counted as skipped. A dry run answers which devices it would touch and which
   * it would pass by, and why, and writes nothing (it refuses a conflict all the same).
   */
  async create(request: CreateRolloutRequest): Promise<RolloutView | RolloutPlanView> {
    const scope = rolloutScope(request);
    if (request.dry_run) {
      await this.refuseIfActive(scope);
      const plan = planRollout(await this.devices.findInScope(scope), request.target_commit);
      return { dry_run: true, target_commit: request.target_commit, ...scope, ...plan };
    }
    const rollout = await this.rollouts.transaction((manager) =>
      this.start(manager, scope, {
        target_commit: request.target_commit,
        ...scope,
        failure_threshold: request.failure_threshold ?? ROLLOUT_DEFAULTS.failure_threshold,
        health_window_seconds: request.health_window_seconds ?? ROLLOUT_DEFAULTS.health_window_seconds,
        pending_deadline_seconds: request.pending_deadline_seconds ?? ROLLOUT_DEFAULTS.pending_deadline_seconds,
        promoted_from: null,
      }),
    );
    this.logger.log({ msg: 'rollout started', rollout_id: rollout.id, target_commit: rollout.target_commit, ...scope });
    return this.view(rollout);
  }

  /** Takes an active or completed rollout's commit to another segment; the rollout becomes `promoted`. */
  async promote(request: PromoteRolloutRequest): Promise<RolloutView> {
    const promoted = await this.rollouts.transaction(async (manager) => {
      const from = await this.rollouts.findForUpdate(manager, request.id);
      if (!from) throw rolloutNotFound(request.id);
      if (from.status !== 'active' && from.status !== 'completed') {
        throw new ProctorError(FleetErrorCode.RolloutConflict, `rollout ${from.id} is ${from.status}: only an active or completed rollout can be promoted`, {
          rollout_id: from.id,
          status: from.status,
        });
      }
      if (from.segment === request.to_segment) {
        throw new ProctorError(FleetErrorCode.RolloutConflict, `rollout ${from.id} already targets ${request.to_segment}`, { rollout_id: from.id });
      }
      await this.rollouts.setStatus(manager, from.id, 'promoted');
      const scope = { segment: request.to_segment, branch: null };
      return this.start(manager, scope, {
        target_commit: from.target_commit,
        ...scope,
        failure_threshold: from.failure_threshold,
        health_window_seconds: from.health_window_seconds,
        pending_deadline_seconds: from.pending_deadline_seconds,
        promoted_from: from.id,
      });
    });
    this.logger.log({ msg: 'rollout promoted', rollout_id: promoted.id, promoted_from: promoted.promoted_from, segment: promoted.segment });
    return this.view(promoted);
  }

  async halt(id: string): Promise<RolloutView> {
    const halted = await this.rollouts.transaction(async (manager) => {
      const rollout = await this.rollouts.findForUpdate(manager, id);
      if (!rollout) throw rolloutNotFound(id);
      if (rollout.status !== 'active') {
        throw new ProctorError(FleetErrorCode.RolloutConflict, `rollout ${id} is ${rollout.status}, not active`, { rollout_id: id, status: rollout.status });
      }
      return this.haltIn(manager, rollout, 'halted by hand');
    });
    return this.view(halted);
  }

  async get(id: string): Promise<RolloutView> {
    const rollout = await this.rollouts.findById(id);
    if (!rollout) throw rolloutNotFound(id);
    return this.view(rollout);
  }

  async list(request: ListRolloutsRequest): Promise<Page<RolloutView>> {
    const size = pageSize(request.limit);
    const rows = await this.rollouts.listPage({ status: request.status }, request.cursor, size);
    const tallies = await this.rollouts.tallies(rows.slice(0, size).map((r) => r.id));
    return toPage(rows, size, (r) => ({ at: r.created_at, id: r.id }), (r) => toRolloutView(r, tallies.get(r.id) ?? emptyTally()));
  }

  async desiredState(deviceId: string): Promise<DesiredStateView> {
    const device = await this.devices.findById(deviceId);
    if (!device) throw deviceNotFound(deviceId);
    return desiredState(device, coveringRollout(device, await this.rollouts.findLatestOfScopes(device)));
  }

  /**
   * Counts a device's update report for the rollout that asked for it (the one covering the device,
   * whose target is the commit reported); answers that rollout's id, or null. Only an active
   * rollout's standing changes: a late report for a finished one is kept with the update only.
   */
  async recordReport(manager: EntityManager, device: Device, report: ReportUpdateRequest): Promise<string | null> {
    const rollout = coveringRollout(device, await this.rollouts.findLatestOfScopes(device, manager));
    if (!rollout || rollout.target_commit !== report.to_commit_hash) return null;
    if (rollout.status === 'active') await this.rollouts.recordReport(manager, rollout.id, device.device_id, stateForReport(report));
    return rollout.id;
  }

  /** Reviews every active rollout once (the monitor's timer); a rollout another replica is reviewing is skipped. */
  async reviewActive(): Promise<void> {
    for (const id of await this.rollouts.activeIds()) {
      await this.rollouts.transaction((manager) => this.review(manager, id));
    }
  }

  /**
   * One review: pending devices past the deadline expire; updated devices that turned unhealthy in
   * their health window count as failures, those whose window closed healthy are confirmed; then the
   * rollout halts, completes, or goes on.
   */
  private async review(manager: EntityManager, id: string): Promise<void> {
    const rollout = await this.rollouts.lockActiveSkipLocked(manager, id);
    if (!rollout) return;
    const now = new Date();
    if (pendingDeadlinePassed(rollout.created_at, rollout.pending_deadline_seconds, now)) {
      const expired = await this.rollouts.expirePending(manager, rollout.id);
      if (expired > 0) this.logger.log({ msg: 'pending devices expired', rollout_id: rollout.id, expired });
    }
    const facts = await this.rollouts.healthFacts(manager, rollout);
    const unhealthy = await this.rollouts.markUnhealthy(
      manager,
      rollout.id,
      facts.filter((f) => turnedUnhealthy(f)).map((f) => f.device_id),
    );
    await this.events.insertMany(
      manager,
      unhealthy.map((deviceId) => ({
        device_id: deviceId,
        event_type: 'rollout' as const,
        severity: 'error' as const,
        message: `turned unhealthy within the health window of rollout ${rollout.id}`,
        details: { rollout_id: rollout.id, target_commit: rollout.target_commit, ...facts.find((f) => f.device_id === deviceId) },
      })),
    );
    await this.rollouts.confirmHealthy(
      manager,
      rollout.id,
      facts.filter((f) => !turnedUnhealthy(f) && healthWindowClosed(f.reported_at, rollout.health_window_seconds, now)).map((f) => f.device_id),
    );
    const tally = (await this.rollouts.tallies([rollout.id], manager)).get(rollout.id) ?? emptyTally();
    const verdict = judgeRollout(tally, rollout.failure_threshold);
    switch (verdict.action) {
      case 'halt':
        await this.haltIn(manager, rollout, verdict.reason);
        break;
      case 'complete':
        await this.rollouts.setStatus(manager, rollout.id, 'completed');
        this.logger.log({ msg: 'rollout completed', rollout_id: rollout.id, ...tally });
        break;
      case 'continue':
        break;
    }
  }

  private async haltIn(manager: EntityManager, rollout: Rollout, reason: string): Promise<Rollout> {
    const halted = await this.rollouts.setStatus(manager, rollout.id, 'halted', reason);
    const event: RolloutHaltedEvent = { rollout_id: rollout.id, reason };
    await this.outbox.add(manager, FleetEvent.RolloutHalted, event);
    this.logger.warn({ msg: 'rollout halted', rollout_id: rollout.id, reason });
    return halted;
  }

  private async start(manager: EntityManager, scope: RolloutScope, rollout: Omit<NewRollout, 'skipped_count'>): Promise<Rollout> {
    await this.refuseIfActive(scope, manager);
    const plan = planRollout(await this.devices.findInScope(scope, manager), rollout.target_commit);
    const created = await this.rollouts.insertActive(manager, { ...rollout, skipped_count: plan.skipped.length });
    if (!created) throw rolloutConflict(scope);
    await this.rollouts.insertPending(
      manager,
      created.id,
      plan.targeted.map((d) => d.device_id),
    );
    return created;
  }

  private async refuseIfActive(scope: RolloutScope, manager?: EntityManager): Promise<void> {
    const active = await this.rollouts.findActiveForScope(scope, manager);
    if (active) throw rolloutConflict(scope, active.id);
  }

  private async view(rollout: Rollout): Promise<RolloutView> {
    const tallies = await this.rollouts.tallies([rollout.id]);
    return toRolloutView(rollout, tallies.get(rollout.id) ?? emptyTally());
  }
}

function emptyTally() {
  return { targeted: 0, pending: 0, succeeded: 0, failed: 0, unhealthy: 0, expired: 0, watching: 0 };
}

function rolloutNotFound(id: string): ProctorError {
  return new ProctorError(FleetErrorCode.RolloutNotFound, `no rollout with id ${id}`, { id });
}

function rolloutConflict(scope: RolloutScope, activeId?: string): ProctorError {
  const what = scope.segment !== null ? `segment ${scope.segment}` : `branch ${scope.branch}`;
  return new ProctorError(FleetErrorCode.RolloutConflict, `${what} has an active rollout already`, { ...scope, ...(activeId ? { active_rollout_id: activeId } : {}) });
}
