package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The task table's descriptor tables, shared by threads ({@code CLONE_FILES}) or copied by fork ({@code dup_fd()}). */
class TaskTableTest {
  @Test
  void aDescriptorOpenedByOneThreadIsOpenForEveryThreadOfTheTable() {
    TaskTable t = new TaskTable(2);
    int leader = t.allocPid();
    t.install(leader, new MmState(1), 0, FilesStruct.empty());
    int thread = t.allocPid();
    t.install(thread, t.mm(leader), 1, t.sharedFiles(leader));
    t.joinThreadGroup(thread, leader);
    assertThat(t.installFd(thread, 7, -1)).isZero();
    assertThat(t.installFd(thread, 8, -1)).isEqualTo(1);
    assertThat(t.hasOpen(leader, 8)).as("the leader shares the table the thread installed into").isTrue();
    int child = t.allocPid();
    t.install(child, new MmState(2), 0, t.dupFiles(leader));
    assertThat(t.hasOpen(child, 8)).as("fork copies the open descriptors").isTrue();
    t.installFd(leader, 9, -1);
    assertThat(t.hasOpen(child, 9)).as("but not what is opened after it").isFalse();
    assertThat(t.hasOpen(thread, 9)).isTrue();
  }
}
